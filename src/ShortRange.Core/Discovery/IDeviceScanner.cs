using ShortRange.Devices;

namespace ShortRange.Discovery;

/// <summary>
/// What a technology module implements: a cold observable of raw sightings.
/// Subscribing starts the radio's scan; disposing the subscription stops it.
/// Preconditions (stack present, adapter present) fail through OnError with typed exceptions.
/// The discovery core shares one subscription among all of its subscribers.
/// </summary>
public interface IDeviceScanner
{
    Technology Technology { get; }

    IObservable<DeviceSighting> Scan();

    /// <summary>
    /// Completes when every scan whose subscription has been disposed has stopped at the radio. Disposal only starts
    /// the stop (the radio's stop command is asynchronous); a host that exits right after would leave the radio scanning.
    /// </summary>
    Task WhenStoppedAsync(CancellationToken ct = default) => Task.CompletedTask;
}
