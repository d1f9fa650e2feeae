namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// A datagram channel carrying whole HCI packets, each led by its packet indicator (<see cref="HciPacketType"/>):
/// a raw or user channel socket in production, an in-memory fake in tests.
/// </summary>
public interface IHciTransport : IAsyncDisposable
{
    /// <summary>The adapter name ("hci0") for messages.</summary>
    string Adapter { get; }

    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken);

    /// <summary>Receives one datagram; returns 0 when the channel has closed.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sets what the kernel delivers (HCI_FILTER); the user channel has no kernel filter and ignores it.</summary>
    void SetFilter(HciFilter filter);
}
