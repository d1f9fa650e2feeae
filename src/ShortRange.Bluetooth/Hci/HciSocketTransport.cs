using System.Globalization;
using System.Net.Sockets;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// An HCI socket (AF_BLUETOOTH, SOCK_RAW, BTPROTO_HCI) bound to one controller on the raw or the user channel; I/O
/// runs on the runtime's epoll engine. Raw channel (net/bluetooth/hci_sock.c): shares the controller with the kernel
/// and mgmt; sending needs the controller up (ENETDOWN otherwise — power it with mgmt Set Powered); commands outside
/// the kernel's security filter and all data packets need CAP_NET_RAW (EPERM); the kernel queues our commands on its
/// own command queue and also sees their results. User channel: exclusive — bind needs CAP_NET_ADMIN and a controller
/// that is down (mgmt then reports it removed), no kernel filter, and the controller is handed back on close.
/// </summary>
public sealed class HciSocketTransport : IHciTransport
{
    private readonly NativeSocket _socket;
    private readonly bool _userChannel;

    private HciSocketTransport(NativeSocket socket, string adapter, bool userChannel)
    {
        _socket = socket;
        Adapter = adapter;
        _userChannel = userChannel;
    }

    public string Adapter { get; }

    /// <summary>Binds HCI_CHANNEL_RAW to controller <paramref name="index"/> (hciN).</summary>
    public static HciSocketTransport OpenRaw(ushort index) =>
        new(HciSockets.OpenBoundNative(new HciSocketAddress(index, BluetoothSocketConstants.HCI_CHANNEL_RAW)), Name(index), false);

    /// <summary>Binds HCI_CHANNEL_USER to controller <paramref name="index"/>: exclusive use; the controller must be down.</summary>
    public static HciSocketTransport OpenUser(ushort index) =>
        new(HciSockets.OpenBoundNative(new HciSocketAddress(index, BluetoothSocketConstants.HCI_CHANNEL_USER)), Name(index), true);

    private static string Name(ushort index) => string.Create(CultureInfo.InvariantCulture, $"hci{index}");

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.Socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            string hint = e.NativeErrorCode == Errno.ENETDOWN ? " (the controller is down: power it on through mgmt first)"
                : e.NativeErrorCode == Errno.EPERM ? " (needs CAP_NET_RAW)" : "";
            throw new BluetoothException($"send on the HCI socket of {Adapter} failed: {Errno.Name(e.NativeErrorCode)}{hint}", e);
        }
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _socket.Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.NativeErrorCode == Errno.EPIPE)
        {
            // hci_sock.c sets sk_err = EPIPE on every socket of a controller being unregistered.
            throw new Errors.AdapterGoneException(Technology.Bluetooth, Adapter);
        }
    }

    public void SetFilter(HciFilter filter)
    {
        if (_userChannel) return;
        Span<byte> b = stackalloc byte[HciFilter.SizeOf];
        filter.WriteTo(b);
        _socket.SetOption(BluetoothSocketConstants.SOL_HCI, BluetoothSocketConstants.HCI_FILTER, b);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
