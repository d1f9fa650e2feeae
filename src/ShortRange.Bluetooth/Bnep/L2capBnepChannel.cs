using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>A connected L2CAP SOCK_SEQPACKET socket (PSM 0x000F) as a setup channel.</summary>
internal sealed class L2capBnepChannel(NativeSocket socket) : IBnepChannel
{
    public NativeSocket Socket { get; } = socket;

    public SafeHandle Handle => Socket.Socket.SafeHandle;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) =>
        await Socket.Socket.SendAsync(packet, SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, bool peek, CancellationToken cancellationToken) =>
        Socket.Socket.ReceiveAsync(buffer, peek ? SocketFlags.Peek : SocketFlags.None, cancellationToken);

    public void Dispose() => Socket.Dispose();
}
