using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace ShortRange.Discovery;

/// <summary>
/// The subscription shape every asynchronous scanner shares: subscribing starts one run of the scanner's loop, disposing
/// cancels it, and the loop's own <c>finally</c> undoes what it started (Stop Discovery, Stop Poll…). Rx disposal is
/// synchronous but those stops are commands to a radio, so the runs still stopping are kept here and
/// <see cref="WhenStoppedAsync"/> lets a host wait for them (a process that exits first leaves the radio scanning).
/// </summary>
public sealed class ScanRuns
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _stopping = [];

    /// <summary>A cold observable running <paramref name="run"/> per subscription; a run that fails before disposal ends the stream with its exception.</summary>
    public IObservable<T> Create<T>(Func<IObserver<T>, CancellationToken, Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Observable.Create<T>(observer =>
        {
            var cts = new CancellationTokenSource();
            Task task;
            try { task = run(observer, cts.Token); }
            catch (Exception ex) { task = Task.FromException(ex); }
            var ended = task.ContinueWith(t =>
            {
                if (t.Exception is { } ex && !cts.IsCancellationRequested) observer.OnError(ex.InnerException ?? ex);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return Disposable.Create(() =>
            {
                lock (_gate)
                {
                    if (ended.IsCompleted)
                    {
                        cts.Dispose();
                        return;
                    }
                    _stopping.Add(ended);
                }
                cts.Cancel();
                ended.ContinueWith(t =>
                {
                    lock (_gate) _stopping.Remove(t);
                    cts.Dispose();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            });
        });
    }

    /// <summary>Completes when every run whose subscription has been disposed has finished its stop.</summary>
    public Task WhenStoppedAsync(CancellationToken ct = default)
    {
        Task[] stopping;
        lock (_gate) stopping = [.. _stopping];
        return stopping.Length == 0 ? Task.CompletedTask : Task.WhenAll(stopping).WaitAsync(ct);
    }
}
