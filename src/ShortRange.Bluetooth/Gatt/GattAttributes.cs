using ShortRange.Bluetooth.Advertising;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>A service found by discovery: its attribute handle range (Core 5.4 Vol 3 Part G §3.1).</summary>
public sealed record GattService(Guid Uuid, ushort Handle, ushort EndGroupHandle, bool IsPrimary = true);

/// <summary>A characteristic declaration (§3.3.1): properties, value handle and the last handle of its definition.</summary>
public sealed record GattCharacteristic(Guid Uuid, ushort DeclarationHandle, GattCharacteristicProperties Properties, ushort ValueHandle, ushort EndHandle);

/// <summary>A characteristic descriptor (§3.3.3).</summary>
public sealed record GattDescriptor(Guid Uuid, ushort Handle);

/// <summary>Characteristic Properties bit field (§3.3.1.1, Table 3.5).</summary>
[Flags]
public enum GattCharacteristicProperties : byte
{
    None = 0,
    Broadcast = 0x01,
    Read = 0x02,
    WriteWithoutResponse = 0x04,
    Write = 0x08,
    Notify = 0x10,
    Indicate = 0x20,
    AuthenticatedSignedWrites = 0x40,
    ExtendedProperties = 0x80,
}

/// <summary>GATT attribute types (Assigned Numbers §3.5 and §3.7; Core 5.4 Vol 3 Part G §3).</summary>
public static class GattUuids
{
    public static readonly Guid PrimaryService = BluetoothUuid.FromShort(0x2800);
    public static readonly Guid SecondaryService = BluetoothUuid.FromShort(0x2801);
    public static readonly Guid Include = BluetoothUuid.FromShort(0x2802);
    public static readonly Guid Characteristic = BluetoothUuid.FromShort(0x2803);
    public static readonly Guid ClientCharacteristicConfiguration = BluetoothUuid.FromShort(0x2902);
    public static readonly Guid ServiceChanged = BluetoothUuid.FromShort(0x2A05);
}
