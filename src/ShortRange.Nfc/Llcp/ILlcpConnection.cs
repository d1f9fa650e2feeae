namespace ShortRange.Nfc.Llcp;

/// <summary>
/// A connection-oriented LLCP data link as SNEP uses it: <see cref="LlcpConnection"/> over the kernel, or an in-memory
/// pair in tests. Each receive returns the data of at most one I PDU (message boundaries of the sender's fragments).
/// </summary>
public interface ILlcpConnection : IDisposable
{
    /// <summary>The peer's MIU: the largest information field it accepts in one I PDU.</summary>
    int RemoteMiu { get; }

    /// <summary>Sends all of <paramref name="data"/> (the kernel splits it into I PDUs of at most <see cref="RemoteMiu"/>).</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="buffer"/>.Length bytes; 0 when the connection is closed.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
