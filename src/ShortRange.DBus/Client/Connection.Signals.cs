using Microsoft.Extensions.Logging;

namespace ShortRange.DBus;

public sealed partial class Connection
{
    // Copy-on-write so the receive loop reads it without a lock.
    private SignalSubscription[] _subscriptions = [];

    /// <summary>
    /// Cold observable of messages matching <paramref name="rule"/>, each turned into a value by <paramref name="reader"/>.
    /// Subscribing queues AddMatch (so a later call on this connection is ordered after it); disposing sends RemoveMatch.
    /// Errors with <see cref="DisconnectedException"/> when the connection closes, or with the AddMatch error.
    /// OnNext runs on the receive loop: do not block in it.
    /// </summary>
    public IObservable<T> WatchSignal<T>(MatchRule rule, MessageValueReader<T> reader, object? state = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(reader);
        return new SignalObservable<T>(this, rule, reader, state);
    }

    /// <summary>Adds a match rule and handler; completes once the bus accepted the rule. Dispose the result to remove it.</summary>
    public async Task<IDisposable> AddMatchAsync<T>(MatchRule rule, MessageValueReader<T> reader, Action<Exception?, T> handler,
                                                   object? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new SignalSubscription(this, rule,
            m => handler(null, reader(m, state)),
            e => handler(e, default!));
        Task added = Subscribe(subscription);
        try
        {
            await added.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
        return subscription;
    }

    internal Task Subscribe(SignalSubscription subscription)
    {
        lock (_gate)
        {
            if (_closeReason is not null)
            {
                return Task.FromException(ClosedError());
            }
            _subscriptions = [.. _subscriptions, subscription];
        }
        return CallBusAsync("AddMatch", subscription.RuleText);
    }

    internal void Unsubscribe(SignalSubscription subscription)
    {
        lock (_gate)
        {
            int index = Array.IndexOf(_subscriptions, subscription);
            if (index < 0)
            {
                return;
            }
            _subscriptions = [.. _subscriptions.AsSpan(0, index), .. _subscriptions.AsSpan(index + 1)];
        }
        if (_closeReason is null)
        {
            _ = CallBusAsync("RemoveMatch", subscription.RuleText).ContinueWith(
                static (t, s) => ((ILogger)s!).LogDebug(t.Exception, "RemoveMatch failed"),
                _logger, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private void DispatchSignal(Message message)
    {
        foreach (SignalSubscription subscription in _subscriptions)
        {
            bool matches;
            try
            {
                matches = subscription.Rule.Matches(message);
            }
            catch (ProtocolException e)
            {
                _logger.LogWarning(e, "Dropping malformed signal {Message}", message.ToString());
                return;
            }
            if (matches)
            {
                subscription.Deliver(message);
            }
        }
    }

    private void FailSubscriptions(Exception error)
    {
        SignalSubscription[] subscriptions;
        lock (_gate)
        {
            subscriptions = _subscriptions;
            _subscriptions = [];
        }
        foreach (SignalSubscription subscription in subscriptions)
        {
            subscription.Fail(error);
        }
    }

    internal ILogger Logger => _logger;
}
