namespace ShortRange.Adapters;

/// <summary>A radio adapter of any technology: hciN, wpanN, nfcN.</summary>
/// <param name="Name">The kernel's name (hci0, wpan0, nfc0).</param>
/// <param name="Address">Its own address as text when known (BD_ADDR, extended address).</param>
/// <param name="Details">Technology-specific information (settings, supported protocols, …).</param>
public sealed record AdapterInfo(
    Technology Technology,
    string Name,
    bool IsPowered,
    string? Address = null,
    object? Details = null);

public enum AdapterEventKind { Added, Removed, Changed }

public sealed record AdapterEvent(AdapterEventKind Kind, AdapterInfo Adapter);
