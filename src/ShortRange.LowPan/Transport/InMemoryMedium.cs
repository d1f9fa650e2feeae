using System.Threading.Channels;

namespace ShortRange.LowPan.Transport;

/// <summary>
/// A shared in-memory radio medium: every frame one attached transport sends is delivered to every other one
/// (like a broadcast channel; address filtering is the receiver's job, as on air). Bounded queues: a slow
/// receiver loses frames rather than growing memory, as a radio would.
/// </summary>
public sealed class InMemoryMedium
{
    private readonly List<Endpoint> _endpoints = [];

    public IFrameTransport Attach(int queueCapacity = 256)
    {
        var e = new Endpoint(this, queueCapacity);
        lock (_endpoints) _endpoints.Add(e);
        return e;
    }

    private void Deliver(Endpoint from, ReadOnlyMemory<byte> frame)
    {
        Endpoint[] targets;
        lock (_endpoints) targets = [.. _endpoints];
        foreach (var t in targets)
            if (t != from) t.Queue.Writer.TryWrite(frame.ToArray());
    }

    private void Detach(Endpoint e)
    {
        lock (_endpoints) _endpoints.Remove(e);
    }

    private sealed class Endpoint(InMemoryMedium medium, int capacity) : IFrameTransport
    {
        public Channel<byte[]> Queue { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
        });

        public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            medium.Deliver(this, frame);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var frame = await Queue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            int n = Math.Min(frame.Length, buffer.Length);
            frame.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }

        public ValueTask DisposeAsync()
        {
            medium.Detach(this);
            Queue.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
