using System.Net.Sockets;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>Opening and configuring BTPROTO_RFCOMM SOCK_STREAM sockets (kernel net/bluetooth/rfcomm/sock.c) on <see cref="NativeSocket"/>.</summary>
internal static class RfcommSockets
{
    private const int SOL_SOCKET = 1, SO_SNDBUF = 7; // asm-generic/socket.h

    /// <summary>socket(AF_BLUETOOTH, SOCK_STREAM, BTPROTO_RFCOMM), bind to <paramref name="local"/>, apply the security level.</summary>
    public static NativeSocket Open(RfcommSocketAddress local, RfcommOptions options)
    {
        NativeSocket s;
        try
        {
            s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Stream, BTPROTO_RFCOMM);
        }
        catch (NativeSocketException e)
        {
            throw RfcommException.For("socket", e.ErrorNumber, false, e);
        }
        try
        {
            s.Bind(local);
            if (options.Security is { } level) SetSecurity(s, level);
            if (options.SendBufferSize is { } size) s.SetOption(SOL_SOCKET, SO_SNDBUF, size);
            return s;
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw RfcommException.For(e.Operation, e.ErrorNumber, false, e);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>setsockopt(SOL_BLUETOOTH, BT_SECURITY) — rfcomm_sock_setsockopt accepts the same struct bt_security as L2CAP.</summary>
    public static void SetSecurity(NativeSocket s, L2capSecurityLevel level)
    {
        Span<byte> b = stackalloc byte[BtSecurity.SizeOf];
        new BtSecurity(level, 0).WriteTo(b);
        try { s.SetOption(SOL_BLUETOOTH, BT_SECURITY, b); }
        catch (NativeSocketException e) { throw RfcommException.For("setsockopt BT_SECURITY", e.ErrorNumber, false, e); }
    }

    public static BtSecurity GetSecurity(NativeSocket s)
    {
        Span<byte> b = stackalloc byte[BtSecurity.SizeOf];
        int n;
        try { n = s.GetOption(SOL_BLUETOOTH, BT_SECURITY, b); }
        catch (NativeSocketException e) { throw RfcommException.For("getsockopt BT_SECURITY", e.ErrorNumber, false, e); }
        return BtSecurity.Read(b[..n]);
    }
}
