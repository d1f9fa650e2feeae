namespace ShortRange.Bluetooth.Mgmt;

/// <summary>
/// A datagram channel carrying whole mgmt packets: the HCI control socket in production, an in-memory pair in tests.
/// </summary>
public interface IMgmtTransport : IAsyncDisposable
{
    ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken);

    /// <summary>Receives one datagram; returns 0 when the channel has closed.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
