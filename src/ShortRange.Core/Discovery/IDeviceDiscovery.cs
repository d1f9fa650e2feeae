namespace ShortRange.Discovery;

/// <summary>
/// Reactive device discovery. <see cref="Discover"/> is an operation stream and cold:
/// subscribing starts the scan (shared with every other subscriber), disposing the last
/// subscription stops it after <see cref="DiscoveryOptions.DisconnectDelay"/>. A subscriber
/// that joins a running scan first receives Found for every device currently known.
/// A scan failure ends the stream with OnError carrying the typed exception, for every subscriber.
/// </summary>
public interface IDeviceDiscovery
{
    IObservable<DiscoveryEvent> Discover(DiscoveryFilter? filter = null);

    /// <summary>
    /// Stops now every scan that no subscriber uses any more (cutting <see cref="DiscoveryOptions.DisconnectDelay"/>
    /// short) and completes when those scans, and any still stopping, have stopped at the radio. Scans that still have
    /// subscribers keep running. Hosts call it on shutdown after disposing their subscriptions.
    /// </summary>
    Task StopIdleScansAsync(CancellationToken ct = default);
}

/// <summary>One technology's discovery.</summary>
public interface ITechnologyDiscovery : IDeviceDiscovery
{
    Technology Technology { get; }
}

/// <summary>The aggregate over every registered technology.</summary>
public interface IShortRangeDiscovery : IDeviceDiscovery
{
    IReadOnlyCollection<Technology> Technologies { get; }

    /// <summary>The discovery of one technology; throws <see cref="InvalidOperationException"/> when it is not registered.</summary>
    ITechnologyDiscovery GetDiscovery(Technology technology);

    /// <summary>
    /// Hot stream of technology scans that failed while <see cref="DiscoveryOptions.ContinueOnTechnologyError"/>
    /// let the aggregate continue. Never errors.
    /// </summary>
    IObservable<TechnologyFailure> Failures { get; }
}

public sealed record TechnologyFailure(Technology Technology, Exception Error);
