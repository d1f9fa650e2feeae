namespace ShortRange.Bluetooth.Gatt;

/// <summary>The Affected Attribute Handle Range of a Service Changed indication (Core 5.4 Vol 3 Part G §7.1).</summary>
public readonly record struct GattHandleRange(ushort Start, ushort End);
