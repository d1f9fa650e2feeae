using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Neard.Bus;

/// <summary>
/// The D-Bus connection of a <see cref="NeardClient"/> over Tmds.DBus.Protocol, adding what the library leaves to its
/// users: cancellation and a timeout on connect and calls (it takes neither), and user code kept off its receive loop
/// (a continuation of an awaited call, a signal handler or a method handler runs there and would stall every other
/// message on the connection). A signal handler that throws ends only its own subscription, never the connection.
/// </summary>
internal sealed class NeardBus : IDisposable
{
    /// <summary>Bound on a call when the caller gives none (libdbus's default reply timeout).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(25);

    private readonly ILogger _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _pendingMatches = new();

    private NeardBus(DBusConnection connection, ILogger logger)
    {
        Connection = connection;
        _logger = logger;
    }

    public DBusConnection Connection { get; }

    public static async Task<NeardBus> ConnectAsync(string address, ILogger logger, CancellationToken cancellationToken)
    {
        var options = new DBusConnectionOptions(address)
        {
            OnException = context =>
            {
                // Our signal handlers never throw (SignalPump catches); should one ever, keep the connection for the others.
                if (context.Source == DBusConnection.ExceptionSource.SignalHandler) context.DisconnectConnection = false;
                logger.LogDebug(context.Exception, "D-Bus {Source}", context.Source);
            },
        };
        var connection = new DBusConnection(options);
        try
        {
            await Bounded(connection.ConnectAsync().AsTask(), DefaultTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.Dispose(); // also ends a connect still in progress
            throw;
        }
        return new NeardBus(connection, logger);
    }

    /// <summary>A method call whose reply carries no value we need; bounded by <paramref name="cancellationToken"/> and <see cref="DefaultTimeout"/>.</summary>
    public Task CallAsync(MessageBuffer message, CancellationToken cancellationToken) =>
        Bounded(Connection.CallMethodAsync(message), DefaultTimeout, cancellationToken);

    public Task<T> CallAsync<T>(MessageBuffer message, MessageValueReader<T> reader, CancellationToken cancellationToken) =>
        Bounded(Connection.CallMethodAsync(message, reader), DefaultTimeout, cancellationToken);

    /// <summary>
    /// Awaits <paramref name="call"/> up to <paramref name="timeout"/> or cancellation, then leaves the library's receive
    /// loop: the library completes calls there and an await resumes inline (ForceYielding on the pending task does not
    /// help, so the hop is a forced yield on a completed task), success or failure alike. An abandoned call stays pending
    /// inside the library until its reply (or the bus's NoReply error) arrives or the connection closes; its outcome is
    /// observed here so it never surfaces as an unobserved exception.
    /// </summary>
    internal static async Task Bounded(Task call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task wait = call.WaitAsync(timeout, cancellationToken);
        await wait.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        if (!call.IsCompleted)
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await wait.ConfigureAwait(false); // completed: rethrows the call's error, TimeoutException or the cancellation
    }

    internal static async Task<T> Bounded<T>(Task<T> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Bounded((Task)call, timeout, cancellationToken).ConfigureAwait(false);
        return await call.ConfigureAwait(false);
    }

    /// <summary>GetNameOwner(name) of the bus.</summary>
    public Task<string> GetNameOwnerAsync(string name, CancellationToken cancellationToken)
    {
        using var w = Connection.GetMessageWriter();
        w.WriteMethodCallHeader("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetNameOwner", "s");
        w.WriteString(name);
        return CallAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadString(), cancellationToken);
    }

    /// <summary>
    /// Signals matching <paramref name="rule"/>, read by <paramref name="reader"/> on the receive loop (pure decoding) and
    /// delivered to the observer on the thread pool, in order. Cold: subscribing adds the match, disposing removes it.
    /// </summary>
    public IObservable<T> Watch<T>(MatchRule rule, MessageValueReader<T> reader) =>
        new SignalObservable<T>(this, rule, reader, _logger);

    /// <summary>Registers a match being added; <see cref="WhenSubscribedAsync"/> waits for it until it completes.</summary>
    internal void TrackMatch(Task match)
    {
        if (match.IsCompleted) return;
        _pendingMatches.TryAdd(match, 0);
        _ = match.ContinueWith(static (t, s) => ((NeardBus)s!)._pendingMatches.TryRemove(t, out _), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Completes when every match added so far is active: AddMatch answered by the bus and the sender's unique name
    /// resolved (Tmds.DBus.Protocol filters signals by it). A match that failed counts as settled: its subscription
    /// ends with that error on its own.
    /// </summary>
    public Task WhenSubscribedAsync(CancellationToken cancellationToken)
    {
        var pending = _pendingMatches.Keys.ToArray();
        if (pending.Length == 0) return Task.CompletedTask;
        var settled = Task.WhenAll(pending).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Bounded(settled, DefaultTimeout, cancellationToken);
    }

    /// <summary>NameOwnerChanged for <paramref name="name"/>: the new owner, or null when the name left the bus.</summary>
    public IObservable<string?> WatchNameOwner(string name) =>
        Watch(new MatchRule
        {
            Type = MessageType.Signal,
            Sender = "org.freedesktop.DBus",
            Path = "/org/freedesktop/DBus",
            Interface = "org.freedesktop.DBus",
            Member = "NameOwnerChanged",
            Arg0 = name,
        }, static (m, _) =>
        {
            var r = m.GetBodyReader();
            r.ReadString();
            r.ReadString();
            string owner = r.ReadString();
            return owner.Length == 0 ? null : owner;
        });

    public void Dispose() => Connection.Dispose();
}
