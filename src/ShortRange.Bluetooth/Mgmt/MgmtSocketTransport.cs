namespace ShortRange.Bluetooth.Mgmt;

/// <summary>The HCI control channel socket (AF_BLUETOOTH, SOCK_RAW, BTPROTO_HCI bound to HCI_DEV_NONE / HCI_CHANNEL_CONTROL).</summary>
public sealed class MgmtSocketTransport : IMgmtTransport
{
    private readonly System.Net.Sockets.Socket _socket;

    private MgmtSocketTransport(System.Net.Sockets.Socket socket) => _socket = socket;

    /// <summary>Opens and binds the control socket; needs CAP_NET_ADMIN.</summary>
    public static IMgmtTransport Open() => new MgmtSocketTransport(HciSockets.OpenBound(Linux.Sockets.HciSocketAddress.Control));

    public async ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        await _socket.SendAsync(packet, System.Net.Sockets.SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
