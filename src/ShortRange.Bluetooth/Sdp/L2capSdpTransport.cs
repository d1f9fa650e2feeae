using ShortRange.Bluetooth.L2cap;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>SDP over an L2CAP SEQPACKET channel (PSM 1 on BR/EDR, Core spec Vol 3 Part B §2.3).</summary>
public sealed class L2capSdpTransport(L2capChannel channel) : ISdpTransport
{
    public L2capChannel Channel { get; } = channel ?? throw new ArgumentNullException(nameof(channel));

    public int ReceiveMtu { get; } = channel.ReceiveMtu;

    public int SendMtu { get; } = channel.SendMtu;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken) =>
        await Channel.SendAsync(pdu, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => Channel.ReceiveAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => Channel.DisposeAsync();
}
