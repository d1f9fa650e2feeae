namespace ShortRange.Adapters;

/// <summary>
/// What a technology module implements to list and watch its adapters.
/// <see cref="Changes"/> is a state stream: it does not error (a lost kernel channel is logged and retried or completes).
/// </summary>
public interface IAdapterMonitor
{
    Technology Technology { get; }

    Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default);

    /// <summary>Hot-on-subscribe stream of adapter added/removed/changed events.</summary>
    IObservable<AdapterEvent> Changes { get; }
}
