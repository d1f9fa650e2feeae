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
    }

    public IObservable<AdapterEvent> Changes { get; }

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
