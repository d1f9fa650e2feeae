using System.Runtime.InteropServices;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>The L2CAP channel during BNEP setup (user space speaks until BNEPCONNADD); faked in unit tests.</summary>
internal interface IBnepChannel : IDisposable
{
    ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken);

    /// <summary>One L2CAP SDU; <paramref name="peek"/> leaves it queued (MSG_PEEK) for the kernel. 0 = channel closed.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, bool peek, CancellationToken cancellationToken);

    /// <summary>The socket handed to BNEPCONNADD.</summary>
    SafeHandle Handle { get; }
}
