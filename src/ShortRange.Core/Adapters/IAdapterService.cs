namespace ShortRange.Adapters;

/// <summary>Adapters of every registered technology.</summary>
public interface IAdapterService
{
    Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default);

    /// <summary>Added/removed/changed events of every technology. State stream: never errors (a failing monitor is logged).</summary>
    IObservable<AdapterEvent> Changes { get; }
}
