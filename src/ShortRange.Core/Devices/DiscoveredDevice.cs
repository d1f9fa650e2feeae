namespace ShortRange.Devices;

/// <summary>What a signal number means.</summary>
public enum SignalKind
{
    /// <summary>Received signal strength in dBm (Bluetooth).</summary>
    Rssi,
    /// <summary>Link quality indicator 0–255 (802.15.4).</summary>
    Lqi,
}

/// <summary>One sighting of a device as a technology module reports it to the discovery core.</summary>
/// <param name="Details">Technology-specific data (advertising data, NFC protocols, …); immutable, value equality.</param>
/// <param name="IsGone">The radio reports the device gone (for example NFC target lost): the core emits Lost at once.</param>
public sealed record DeviceSighting(
    DeviceAddress Address,
    string Adapter,
    DateTimeOffset Timestamp,
    string? Name = null,
    int? Signal = null,
    SignalKind? SignalKind = null,
    object? Details = null,
    bool IsGone = false)
{
    public Technology Technology => Address.Technology;
}

/// <summary>The discovery core's view of one device: merged from all its sightings.</summary>
public sealed record DiscoveredDevice(
    DeviceAddress Address,
    string Adapter,
    string? Name,
    int? Signal,
    SignalKind? SignalKind,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    object? Details)
{
    public Technology Technology => Address.Technology;
}
