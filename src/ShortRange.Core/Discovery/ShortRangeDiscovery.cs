using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ShortRange.Discovery;

/// <summary>
/// The aggregate discovery: merges every registered technology. With a technology filter only the
/// needed scans start. See <see cref="DiscoveryOptions.ContinueOnTechnologyError"/> for failures.
/// </summary>
public sealed class ShortRangeDiscovery : IShortRangeDiscovery, IDisposable
{
    private readonly Dictionary<Technology, ITechnologyDiscovery> _discoveries;
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly Subject<TechnologyFailure> _failures = new();

    public ShortRangeDiscovery(IEnumerable<ITechnologyDiscovery> discoveries, DiscoveryOptions? options = null, ILogger<ShortRangeDiscovery>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(discoveries);
        _discoveries = [];
        foreach (var d in discoveries)
            if (!_discoveries.TryAdd(d.Technology, d))
                throw new InvalidOperationException($"{d.Technology} discovery is registered twice");
        _options = options ?? new DiscoveryOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public IReadOnlyCollection<Technology> Technologies => _discoveries.Keys;

    public IObservable<TechnologyFailure> Failures => _failures.AsObservable();

    public ITechnologyDiscovery GetDiscovery(Technology technology) =>
        _discoveries.TryGetValue(technology, out var d)
            ? d
            : throw new InvalidOperationException($"{technology} is not registered: add it with AddShortRange(b => b.Add{technology}())");

    public IObservable<DiscoveryEvent> Discover(DiscoveryFilter? filter = null)
    {
        var selected = _discoveries.Values.Where(d => filter?.Includes(d.Technology) ?? true).ToList();
        if (selected.Count == 0)
            return Observable.Throw<DiscoveryEvent>(new InvalidOperationException("no registered technology matches the discovery filter"));
        var streams = selected.Select(d =>
        {
            var s = d.Discover(filter);
            return _options.ContinueOnTechnologyError
                ? s.Catch<DiscoveryEvent, Exception>(ex =>
                {
                    _logger.LogWarning(ex, "{Technology} discovery failed; continuing with the other technologies", d.Technology);
                    _failures.OnNext(new TechnologyFailure(d.Technology, ex));
                    return Observable.Empty<DiscoveryEvent>();
                })
                : s;
        });
        return streams.Merge();
    }

    public Task StopIdleScansAsync(CancellationToken ct = default) =>
        Task.WhenAll(_discoveries.Values.Select(d => d.StopIdleScansAsync(ct)));

    public void Dispose() => _failures.Dispose();
}
