using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// Typed BT_SECURITY / MTU options over a raw L2CAP <see cref="NativeSocket"/>. LE channels (bound with an LE address
/// type) use BT_RCVMTU/BT_SNDMTU; BR/EDR channels use L2CAP_OPTIONS, which the kernel refuses on LE sockets (EINVAL)
/// just as it refuses BT_RCVMTU/BT_SNDMTU on BR/EDR ones.
/// </summary>
public static class L2capSocketOptions
{
    /// <summary>getsockopt(SOL_BLUETOOTH, BT_SECURITY): level and, once encrypted, the key size.</summary>
    public static BtSecurity GetSecurity(NativeSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> b = stackalloc byte[BtSecurity.SizeOf];
        int n;
        try { n = socket.GetOption(SOL_BLUETOOTH, BT_SECURITY, b); }
        catch (NativeSocketException e) { throw L2capException.For("getsockopt BT_SECURITY", e.ErrorNumber, e); }
        return BtSecurity.Read(b[..n]);
    }

    /// <summary>setsockopt(SOL_BLUETOOTH, BT_SECURITY). On a connected channel the kernel starts raising the link's security.</summary>
    public static void SetSecurity(NativeSocket socket, L2capSecurityLevel level)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> b = stackalloc byte[BtSecurity.SizeOf];
        new BtSecurity(level, 0).WriteTo(b);
        try { socket.SetOption(SOL_BLUETOOTH, BT_SECURITY, b); }
        catch (NativeSocketException e) { throw L2capException.For("setsockopt BT_SECURITY", e.ErrorNumber, e); }
    }

    /// <summary>getsockopt(SOL_L2CAP, L2CAP_OPTIONS) (BR/EDR only).</summary>
    public static L2capKernelOptions GetKernelOptions(NativeSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> b = stackalloc byte[L2capKernelOptions.SizeOf];
        int n;
        try { n = socket.GetOption(SOL_L2CAP, L2CAP_OPTIONS, b); }
        catch (NativeSocketException e) { throw L2capException.For("getsockopt L2CAP_OPTIONS", e.ErrorNumber, e); }
        return L2capKernelOptions.Read(b[..n]);
    }

    /// <summary>setsockopt(SOL_L2CAP, L2CAP_OPTIONS) (BR/EDR only; the kernel refuses it once connected).</summary>
    public static void SetKernelOptions(NativeSocket socket, L2capKernelOptions options)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> b = stackalloc byte[L2capKernelOptions.SizeOf];
        options.WriteTo(b);
        try { socket.SetOption(SOL_L2CAP, L2CAP_OPTIONS, b); }
        catch (NativeSocketException e) { throw L2capException.For("setsockopt L2CAP_OPTIONS", e.ErrorNumber, e); }
    }

    /// <summary>The MTU this side receives: BT_RCVMTU on LE, l2cap_options.imtu on BR/EDR.</summary>
    public static ushort GetReceiveMtu(NativeSocket socket, bool lowEnergy) =>
        lowEnergy ? GetMtu(socket, BT_RCVMTU, "getsockopt BT_RCVMTU") : GetKernelOptions(socket).IncomingMtu;

    /// <summary>The MTU the peer receives (what one send may carry): BT_SNDMTU on LE (connected only), l2cap_options.omtu on BR/EDR.</summary>
    public static ushort GetSendMtu(NativeSocket socket, bool lowEnergy) =>
        lowEnergy ? GetMtu(socket, BT_SNDMTU, "getsockopt BT_SNDMTU") : GetKernelOptions(socket).OutgoingMtu;

    /// <summary>Sets the receive MTU before connect/listen: BT_RCVMTU on LE, imtu through L2CAP_OPTIONS (read-modify-write) on BR/EDR.</summary>
    public static void SetReceiveMtu(NativeSocket socket, bool lowEnergy, ushort mtu)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (lowEnergy)
        {
            Span<byte> b = stackalloc byte[L2capKernelAbi.MtuOptionSize];
            L2capKernelAbi.WriteMtu(b, mtu);
            try { socket.SetOption(SOL_BLUETOOTH, BT_RCVMTU, b); }
            catch (NativeSocketException e) { throw L2capException.For("setsockopt BT_RCVMTU", e.ErrorNumber, e); }
        }
        else
        {
            SetKernelOptions(socket, GetKernelOptions(socket) with { IncomingMtu = mtu });
        }
    }

    /// <summary>Applies <paramref name="options"/> (security, receive MTU) to a bound, not yet connected or listening socket.</summary>
    public static void Apply(NativeSocket socket, bool lowEnergy, L2capOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Security is { } level) SetSecurity(socket, level);
        if (options.ReceiveMtu is { } mtu) SetReceiveMtu(socket, lowEnergy, mtu);
    }

    private static ushort GetMtu(NativeSocket socket, int name, string what)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> b = stackalloc byte[L2capKernelAbi.MtuOptionSize];
        int n;
        try { n = socket.GetOption(SOL_BLUETOOTH, name, b); }
        catch (NativeSocketException e) { throw L2capException.For(what, e.ErrorNumber, e); }
        return L2capKernelAbi.ReadMtu(b[..n]);
    }
}
