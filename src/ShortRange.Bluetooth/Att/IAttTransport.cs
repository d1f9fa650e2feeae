namespace ShortRange.Bluetooth.Att;

/// <summary>
/// One ATT bearer's datagrams: each send and each receive is exactly one ATT PDU (an L2CAP SDU on CID 4).
/// A receive of 0 means the link is gone. Disposal closes the channel.
/// </summary>
public interface IAttTransport : IDisposable
{
    /// <summary>Sends one PDU.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken);

    /// <summary>Receives one PDU into <paramref name="buffer"/>; 0 when the peer or the link went away.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
