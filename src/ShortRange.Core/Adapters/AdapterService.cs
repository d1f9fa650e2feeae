using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ShortRange.Adapters;

/// <summary>Merges every registered <see cref="IAdapterMonitor"/>.</summary>
public sealed class AdapterService : IAdapterService
{
    private readonly IReadOnlyList<IAdapterMonitor> _monitors;
    private readonly ILogger _logger;

    public AdapterService(IEnumerable<IAdapterMonitor> monitors, ILogger<AdapterService>? logger = null)
    {
        _monitors = monitors?.ToList() ?? throw new ArgumentNullException(nameof(monitors));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // A state stream never errors: a monitor that fails is logged and drops out of the merge.
        Changes = _monitors.Select(m => m.Changes.Catch<AdapterEvent, Exception>(ex =>
        {
            _logger.LogWarning(ex, "{Technology} adapter monitor failed", m.Technology);
            return Observable.Empty<AdapterEvent>();
        })).Merge().Publish().RefCount();
        Adapters = Observable.Create<IReadOnlyList<AdapterInfo>>(CurrentAdapters).Replay(1).RefCount();
    }

    public IObservable<AdapterEvent> Changes { get; }

    public IObservable<IReadOnlyList<AdapterInfo>> Adapters { get; }

    // Listens before taking the snapshot so no change between the two is lost; changes that arrive
    // before the snapshot are applied on top of it (they are newer).
    private async Task CurrentAdapters(IObserver<IReadOnlyList<AdapterInfo>> observer, CancellationToken cancellationToken)
    {
        var gate = new object();
        var pending = new List<AdapterEvent>();
        Dictionary<(Technology, string), AdapterInfo>? current = null;
        using var changes = Changes.Subscribe(e =>
        {
            lock (gate)
            {
                if (current is null) { pending.Add(e); return; }
                Apply(current, e);
                observer.OnNext(current.Values.ToArray());
            }
        });
        var snapshot = new List<AdapterInfo>();
        foreach (var m in _monitors)
        {
            // A state stream never errors: a monitor that cannot list contributes nothing (logged).
            try { snapshot.AddRange(await m.GetAdaptersAsync(cancellationToken).ConfigureAwait(false)); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogInformation(ex, "{Technology}: adapters not listed: {Reason}", m.Technology, ex.Message);
            }
        }
        lock (gate)
        {
            current = snapshot.ToDictionary(a => (a.Technology, a.Name));
            foreach (var e in pending) Apply(current, e);
            pending.Clear();
            observer.OnNext(current.Values.ToArray());
        }
        try { await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private static void Apply(Dictionary<(Technology, string), AdapterInfo> current, AdapterEvent e)
    {
        var key = (e.Adapter.Technology, e.Adapter.Name);
        if (e.Kind == AdapterEventKind.Removed) current.Remove(key);
        else current[key] = e.Adapter;
    }

    /// <summary>Lists adapters of every technology; a technology whose stack is absent contributes none (logged).</summary>
    public async Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<AdapterInfo>();
        foreach (var m in _monitors)
        {
            try { result.AddRange(await m.GetAdaptersAsync(cancellationToken).ConfigureAwait(false)); }
            catch (Errors.StackUnavailableException ex)
            {
                _logger.LogInformation("{Technology}: {Reason}", m.Technology, ex.Message);
            }
        }
        return result;
    }
}
