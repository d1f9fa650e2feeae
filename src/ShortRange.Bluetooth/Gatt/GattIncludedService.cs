namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// An include definition found by Find Included Services (Core 5.4 Vol 3 Part G §3.2, §4.5.1): the include
/// attribute's own handle and the included service's handle range and UUID.
/// </summary>
public sealed record GattIncludedService(ushort Handle, ushort IncludedServiceHandle, ushort EndGroupHandle, Guid Uuid);
