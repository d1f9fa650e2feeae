namespace ShortRange.LowPan.Transport;

/// <summary>
/// Moves raw 802.15.4 MAC frames (no FCS) to and from one radio interface: AF_PACKET on a wpan device, or an
/// in-memory medium for tests. Receive returns one frame per call.
/// </summary>
public interface IFrameTransport : IAsyncDisposable
{
    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default);

    /// <summary>Receives one frame into <paramref name="buffer"/>; returns its length.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
