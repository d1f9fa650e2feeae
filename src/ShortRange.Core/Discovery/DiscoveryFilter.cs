using ShortRange.Devices;

namespace ShortRange.Discovery;

/// <summary>
/// Which devices a subscriber wants. All set conditions must hold. A device that stops matching
/// (its signal dropped below the threshold) is reported Lost to that subscriber; one that starts
/// matching (its name arrived) is reported Found.
/// </summary>
public sealed record DiscoveryFilter
{
    /// <summary>Only these technologies; null or empty means all. The aggregate starts only their scans.</summary>
    public IReadOnlySet<Technology>? Technologies { get; init; }

    /// <summary>Case-insensitive substring of the device name; devices without a name do not match.</summary>
    public string? NameContains { get; init; }

    /// <summary>Minimum RSSI (dBm) or LQI; devices without a signal reading do not match.</summary>
    public int? MinimumSignal { get; init; }

    /// <summary>Any further condition.</summary>
    public Func<DiscoveredDevice, bool>? Predicate { get; init; }

    public static DiscoveryFilter ForTechnologies(params Technology[] technologies) =>
        new() { Technologies = technologies.ToHashSet() };

    public bool Includes(Technology technology) =>
        Technologies is null || Technologies.Count == 0 || Technologies.Contains(technology);

    public bool Matches(DiscoveredDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!Includes(device.Technology)) return false;
        if (NameContains is { } n && (device.Name is null || !device.Name.Contains(n, StringComparison.OrdinalIgnoreCase)))
            return false;
        if (MinimumSignal is { } min && (device.Signal is not { } s || s < min)) return false;
        return Predicate?.Invoke(device) ?? true;
    }
}
