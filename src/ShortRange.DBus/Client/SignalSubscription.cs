using Microsoft.Extensions.Logging;

namespace ShortRange.DBus;

/// <summary>One local subscriber for a match rule. Delivers until disposed or failed; terminal once.</summary>
internal sealed class SignalSubscription : IDisposable
{
    private readonly Connection _connection;
    private readonly Action<Message> _onMessage;
    private readonly Action<Exception> _onError;
    private readonly object _gate = new();
    private bool _done;

    public SignalSubscription(Connection connection, MatchRule rule, Action<Message> onMessage, Action<Exception> onError)
    {
        _connection = connection;
        Rule = rule;
        RuleText = rule.ToString();
        _onMessage = onMessage;
        _onError = onError;
    }

    public MatchRule Rule { get; }

    public string RuleText { get; }

    public void Deliver(Message message)
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }
            try
            {
                _onMessage(message);
            }
            catch (Exception e)
            {
                // A reader that cannot read the signal (wrong signature, hostile body) ends this subscription with
                // that error rather than being swallowed; other subscribers are unaffected.
                _connection.Logger.LogWarning(e, "Signal subscriber for {Rule} failed", RuleText);
                _done = true;
                SafeError(e);
                _connection.Unsubscribe(this);
            }
        }
    }

    public void Fail(Exception error)
    {
        lock (_gate)
        {
            if (_done)
            {
                return;
            }
            _done = true;
            SafeError(error);
        }
    }

    private void SafeError(Exception error)
    {
        try
        {
            _onError(error);
        }
        catch (Exception e)
        {
            _connection.Logger.LogError(e, "OnError of signal subscriber for {Rule} threw", RuleText);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _done = true;
        }
        _connection.Unsubscribe(this);
    }
}

internal sealed class SignalObservable<T> : IObservable<T>
{
    private readonly Connection _connection;
    private readonly MatchRule _rule;
    private readonly MessageValueReader<T> _reader;
    private readonly object? _state;

    public SignalObservable(Connection connection, MatchRule rule, MessageValueReader<T> reader, object? state)
    {
        _connection = connection;
        _rule = rule;
        _reader = reader;
        _state = state;
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new SignalSubscription(_connection, _rule,
            m => observer.OnNext(_reader(m, _state)),
            observer.OnError);
        _ = _connection.Subscribe(subscription).ContinueWith(static (t, s) =>
            {
                var sub = (SignalSubscription)s!;
                sub.Fail(t.Exception!.InnerException!);
                sub.Dispose();
            },
            subscription, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return subscription;
    }
}
