using ShortRange.Devices;

namespace ShortRange.Discovery;

public enum DiscoveryEventKind
{
    /// <summary>First sighting of a device in this subscription.</summary>
    Found,
    /// <summary>A later sighting changed name, signal or details (or refreshed last-seen).</summary>
    Updated,
    /// <summary>Nothing heard from the device for the configured silence.</summary>
    Lost,
}

public sealed record DiscoveryEvent(DiscoveryEventKind Kind, DiscoveredDevice Device);
