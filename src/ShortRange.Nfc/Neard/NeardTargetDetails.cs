namespace ShortRange.Nfc.Neard;

/// <summary><see cref="ShortRange.Devices.DeviceSighting.Details"/> of a neard sighting: the tag or device object.</summary>
/// <param name="Type">Tag type ("Type 2", "NFC-DEP") or null for a peer device.</param>
public sealed record NeardTargetDetails(string Path, NeardObjectKind Kind, string? Type, string? Protocol, bool ReadOnly);
