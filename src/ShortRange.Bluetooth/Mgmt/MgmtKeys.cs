using ShortRange.Devices;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>A BR/EDR link key (doc/mgmt-api.txt, Load Link Keys / New Link Key: 25 octets each).</summary>
public sealed record LinkKey(BluetoothDeviceAddress Address, byte KeyType, byte[] Value, byte PinLength)
{
    public const int Size = 25;
}

/// <summary>An LE long term key (doc/mgmt-api.txt, Load Long Term Keys / New Long Term Key: 36 octets each).</summary>
/// <param name="Central">The "Master" field: 1 when the key is used when we are the central.</param>
public sealed record LongTermKey(BluetoothDeviceAddress Address, byte KeyType, bool Central, byte EncryptionSize,
    ushort EncryptionDiversifier, ulong RandomNumber, byte[] Value)
{
    public const int Size = 36;
}

/// <summary>An identity resolving key (doc/mgmt-api.txt, Load Identity Resolving Keys / New IRK: 23 octets each).</summary>
public sealed record IdentityResolvingKey(BluetoothDeviceAddress Address, byte[] Value)
{
    public const int Size = 23;
}
