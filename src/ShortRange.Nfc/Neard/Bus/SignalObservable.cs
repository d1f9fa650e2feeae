using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ShortRange.Nfc.Errors;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Neard.Bus;

/// <summary>
/// One match rule as a cold observable. The library's handler only enqueues (it runs on the receive loop and a throw
/// there would close the connection); a pump task per subscription calls the observer. An observer that throws or
/// falls <see cref="Capacity"/> signals behind ends its own subscription (OnError with <see cref="NeardException"/>
/// for the backlog), nothing else.
/// </summary>
internal sealed class SignalObservable<T>(NeardBus bus, MatchRule rule, MessageValueReader<T> reader, ILogger logger) : IObservable<T>
{
    /// <summary>Signals queued for one slow subscriber before it is cut off (bounded memory).</summary>
    internal const int Capacity = 4096;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(observer, logger);
        subscription.Start(bus, rule, reader);
        return subscription;
    }

    private sealed class Subscription(IObserver<T> observer, ILogger logger) : IDisposable
    {
        private readonly Channel<Notification<T>> _queue = Channel.CreateBounded<Notification<T>>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        private readonly CancellationTokenSource _stop = new();
        private Task<IDisposable>? _match;
        private int _disposed;

        public void Start(NeardBus bus, MatchRule rule, MessageValueReader<T> reader)
        {
            _match = bus.Connection.AddMatchAsync(rule, reader, Enqueue, emitOnCapturedContext: false,
                ObserverFlags.EmitOnConnectionClosed | ObserverFlags.EmitOnConnectionFailed | ObserverFlags.EmitOnReaderFailed, this).AsTask();
            bus.TrackMatch(_match);
            _ = PumpAsync();
        }

        // Runs on the receive loop: never throws, never blocks.
        private static void Enqueue(Notification<T> n)
        {
            var self = (Subscription)n.State!;
            if (!self._queue.Writer.TryWrite(n) && Volatile.Read(ref self._disposed) == 0)
            {
                self._queue.Writer.TryComplete(new NeardException(NeardNames.ErrorPrefix + "Failed",
                    $"a signal subscriber fell {Capacity} signals behind; its subscription ended"));
            }
            if (n.IsCompletion) self._queue.Writer.TryComplete();
        }

        private async Task PumpAsync()
        {
            try
            {
                IDisposable match = await _match!.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                if (Volatile.Read(ref _disposed) != 0) match.Dispose();
                await foreach (var n in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                {
                    if (n.Type == NotificationType.Value)
                    {
                        observer.OnNext(n.Value);
                        continue;
                    }
                    if (n.Type == NotificationType.ReaderFailed)
                        Finish(() => observer.OnError(new NeardFormatException("signal", n.CompletionReason.Message, n.CompletionReason)));
                    else
                        Finish(() => observer.OnError(n.CompletionReason ?? new DBusConnectionClosedException("the D-Bus connection closed")));
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (ChannelClosedException e) when (e.InnerException is NeardException ne)
            {
                Finish(() => observer.OnError(ne));
                return;
            }
            catch (Exception e) when (Volatile.Read(ref _disposed) == 0)
            {
                // The subscriber threw (or the match could not be added): end this subscription only.
                logger.LogWarning(e, "neard signal subscription ended: {Message}", e.Message);
                if (e is DBusExceptionBase or ObjectDisposedException) Finish(() => observer.OnError(e));
                else Dispose();
                return;
            }
        }

        private void Finish(Action signal)
        {
            Dispose();
            try { signal(); }
            catch (Exception e) { logger.LogWarning(e, "neard signal subscriber threw on completion"); }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _stop.Cancel();
            if (_match is { IsCompletedSuccessfully: true }) _match.Result.Dispose();
            else _match?.ContinueWith(static t => { if (t.IsCompletedSuccessfully) t.Result.Dispose(); else _ = t.Exception; },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _queue.Writer.TryComplete();
        }
    }
}
