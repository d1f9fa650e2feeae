using System.Buffers.Binary;
using System.Text;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>Parameter encoders for mgmt commands (layouts from BlueZ doc/mgmt-api.txt). Pure, no I/O.</summary>
public static class MgmtCommands
{
    /// <summary>Name field of Set Local Name (249 octets, NUL terminated) and Short_Name (11 octets).</summary>
    public const int MGMT_MAX_NAME_LENGTH = 249, MGMT_MAX_SHORT_NAME_LENGTH = 11;

    public static byte[] Bool(bool value) => [value ? (byte)1 : (byte)0];

    /// <summary>Set Discoverable: Discoverable (1: 0 off, 1 general, 2 limited), Timeout (2, seconds).</summary>
    public static byte[] SetDiscoverable(byte mode, ushort timeoutSeconds)
    {
        var p = new byte[3];
        p[0] = mode;
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(1), timeoutSeconds);
        return p;
    }

    /// <summary>Set Local Name: Name (249), Short_Name (11); both NUL terminated, so at most 248 / 10 UTF-8 bytes.</summary>
    public static byte[] SetLocalName(string name, string? shortName = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var p = new byte[MGMT_MAX_NAME_LENGTH + MGMT_MAX_SHORT_NAME_LENGTH];
        WriteFixed(name, p.AsSpan(0, MGMT_MAX_NAME_LENGTH), nameof(name));
        WriteFixed(shortName ?? "", p.AsSpan(MGMT_MAX_NAME_LENGTH), nameof(shortName));
        return p;
    }

    private static void WriteFixed(string text, Span<byte> field, string param)
    {
        int n = Encoding.UTF8.GetByteCount(text);
        if (n > field.Length - 1) throw new ArgumentException($"at most {field.Length - 1} UTF-8 bytes allowed", param);
        Encoding.UTF8.GetBytes(text, field);
    }

    /// <summary>Address (6) + Address_Type (1).</summary>
    public static byte[] Address(BluetoothDeviceAddress address, int extra = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
        var p = new byte[7 + extra];
        WriteAddress(address, p);
        return p;
    }

    internal static void WriteAddress(BluetoothDeviceAddress address, Span<byte> d)
    {
        address.WriteLittleEndian(d);
        d[6] = (byte)address.Type;
    }

    /// <summary>Pair Device: Address, Address_Type, IO_Capability.</summary>
    public static byte[] PairDevice(BluetoothDeviceAddress address, IoCapability io)
    {
        var p = Address(address, 1);
        p[7] = (byte)io;
        return p;
    }

    /// <summary>Unpair Device: Address, Address_Type, Disconnect (1).</summary>
    public static byte[] UnpairDevice(BluetoothDeviceAddress address, bool disconnect)
    {
        var p = Address(address, 1);
        p[7] = disconnect ? (byte)1 : (byte)0;
        return p;
    }

    /// <summary>User Passkey Reply: Address, Address_Type, Passkey (4).</summary>
    public static byte[] UserPasskeyReply(BluetoothDeviceAddress address, uint passkey)
    {
        if (passkey > 999999) throw new ArgumentOutOfRangeException(nameof(passkey), "a passkey has six decimal digits");
        var p = Address(address, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(7), passkey);
        return p;
    }

    /// <summary>PIN Code Reply: Address, Address_Type, PIN_Length (1), PIN_Code (16).</summary>
    public static byte[] PinCodeReply(BluetoothDeviceAddress address, ReadOnlySpan<byte> pin)
    {
        if (pin.Length is < 1 or > 16) throw new ArgumentException("a PIN has 1 to 16 bytes", nameof(pin));
        var p = Address(address, 17);
        p[7] = (byte)pin.Length;
        pin.CopyTo(p.AsSpan(8));
        return p;
    }

    /// <summary>Load Link Keys: Debug_Keys (1), Key_Count (2), keys of 25 octets.</summary>
    public static byte[] LoadLinkKeys(IReadOnlyList<LinkKey> keys, bool debugKeys = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var p = new byte[3 + keys.Count * LinkKey.Size];
        p[0] = debugKeys ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(1), checked((ushort)keys.Count));
        for (int i = 0; i < keys.Count; i++)
        {
            var d = p.AsSpan(3 + i * LinkKey.Size, LinkKey.Size);
            var k = keys[i];
            CheckKey(k.Value);
            WriteAddress(k.Address, d);
            d[7] = k.KeyType;
            k.Value.CopyTo(d[8..]);
            d[24] = k.PinLength;
        }
        return p;
    }

    /// <summary>Load Long Term Keys: Key_Count (2), keys of 36 octets.</summary>
    public static byte[] LoadLongTermKeys(IReadOnlyList<LongTermKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var p = new byte[2 + keys.Count * LongTermKey.Size];
        BinaryPrimitives.WriteUInt16LittleEndian(p, checked((ushort)keys.Count));
        for (int i = 0; i < keys.Count; i++)
        {
            var d = p.AsSpan(2 + i * LongTermKey.Size, LongTermKey.Size);
            var k = keys[i];
            CheckKey(k.Value);
            WriteAddress(k.Address, d);
            d[7] = k.KeyType;
            d[8] = k.Central ? (byte)1 : (byte)0;
            d[9] = k.EncryptionSize;
            BinaryPrimitives.WriteUInt16LittleEndian(d[10..], k.EncryptionDiversifier);
            BinaryPrimitives.WriteUInt64LittleEndian(d[12..], k.RandomNumber);
            k.Value.CopyTo(d[20..]);
        }
        return p;
    }

    /// <summary>Load Identity Resolving Keys: Key_Count (2), keys of 23 octets.</summary>
    public static byte[] LoadIdentityResolvingKeys(IReadOnlyList<IdentityResolvingKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var p = new byte[2 + keys.Count * IdentityResolvingKey.Size];
        BinaryPrimitives.WriteUInt16LittleEndian(p, checked((ushort)keys.Count));
        for (int i = 0; i < keys.Count; i++)
        {
            var d = p.AsSpan(2 + i * IdentityResolvingKey.Size, IdentityResolvingKey.Size);
            CheckKey(keys[i].Value);
            WriteAddress(keys[i].Address, d);
            keys[i].Value.CopyTo(d[7..]);
        }
        return p;
    }

    private static void CheckKey(byte[] value)
    {
        if (value is null || value.Length != 16) throw new ArgumentException("keys have 16 bytes");
    }
}
