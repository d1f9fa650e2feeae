namespace ShortRange.Bluetooth.Sdp;

/// <summary>One SDP PDU per send and per receive: an L2CAP SEQPACKET channel on PSM 1, or an in-memory pair in tests.</summary>
public interface ISdpTransport : IAsyncDisposable
{
    /// <summary>The largest PDU this side receives (the L2CAP receive MTU).</summary>
    int ReceiveMtu { get; }

    /// <summary>The largest PDU the peer receives (the L2CAP send MTU).</summary>
    int SendMtu { get; }

    ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken);

    /// <summary>Receives one PDU; 0 when the peer closed the channel.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
