using System.Threading.Channels;

namespace ShortRange.Gateway.Mqtt;

/// <summary>One message for the broker.</summary>
public sealed record OutboundMessage(string Topic, byte[] Payload, bool Retain = false);

/// <summary>
/// The bounded buffer between the workers and the broker: at most <c>capacity</c> messages wait; when full the OLDEST is
/// dropped (fresh readings matter more than stale ones) and counted. Writers never block, so a dead broker cannot stall
/// the radios. Together with the one message in flight this is the documented bound: after an outage the broker receives
/// every message except the ones counted in <see cref="Dropped"/>.
/// </summary>
public sealed class MqttOutbox
{
    private readonly Channel<OutboundMessage> _channel;
    private long _dropped, _enqueued;

    public MqttOutbox(int capacity, Action<OutboundMessage>? onDropped = null)
    {
        Capacity = capacity;
        _channel = Channel.CreateBounded<OutboundMessage>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            m => { Interlocked.Increment(ref _dropped); onDropped?.Invoke(m); });
    }

    public int Capacity { get; }
    public int Count => _channel.Reader.Count;
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Enqueued => Interlocked.Read(ref _enqueued);

    public void Enqueue(OutboundMessage message)
    {
        Interlocked.Increment(ref _enqueued);
        _channel.Writer.TryWrite(message); // never false with DropOldest
    }

    internal ValueTask<OutboundMessage> ReadAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAsync(cancellationToken);
}
