namespace ShortRange.Adapters;

/// <summary>Adapters of every registered technology.</summary>
public interface IAdapterService
{
    Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default);

    /// <summary>Added/removed/changed events of every technology. State stream: never errors (a failing monitor is logged).</summary>
    IObservable<AdapterEvent> Changes { get; }

    /// <summary>
    /// The current adapter list of every technology: the snapshot first, then a new list after each change.
    /// State stream: a late subscriber gets the latest list at once, and it never errors.
    /// </summary>
    IObservable<IReadOnlyList<AdapterInfo>> Adapters { get; }
}
