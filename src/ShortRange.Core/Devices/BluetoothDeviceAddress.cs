using System.Globalization;

namespace ShortRange.Devices;

/// <summary>BD_ADDR address types as the kernel's mgmt API numbers them (BlueZ doc/mgmt-api.txt, "Address_Type").</summary>
public enum BluetoothAddressType : byte
{
    BrEdr = 0,
    LePublic = 1,
    LeRandom = 2,
}

/// <summary>A Bluetooth device address (BD_ADDR, 48 bits) and its type.</summary>
/// <param name="Value">The 48-bit address; the most significant byte is the first one printed.</param>
public sealed record BluetoothDeviceAddress(ulong Value, BluetoothAddressType Type) : DeviceAddress
{
    public override Technology Technology => Technology.Bluetooth;

    /// <summary>Parses "AA:BB:CC:DD:EE:FF".</summary>
    public static BluetoothDeviceAddress Parse(string text, BluetoothAddressType type = BluetoothAddressType.BrEdr)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 6)
            throw new FormatException($"'{text}' is not a Bluetooth address (expected six hex bytes separated by ':')");
        ulong value = 0;
        foreach (var p in parts)
            value = (value << 8) | byte.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new BluetoothDeviceAddress(value, type);
    }

    /// <summary>Parses "AA:BB:CC:DD:EE:FF" (six pairs of hex digits); false for anything else.</summary>
    public static bool TryParse(string? text, BluetoothAddressType type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BluetoothDeviceAddress? address)
    {
        address = null;
        if (text is not { Length: 17 }) return false;
        ulong value = 0;
        for (int i = 0; i < 6; i++)
        {
            if (i > 0 && text[i * 3 - 1] != ':') return false;
            if (!byte.TryParse(text.AsSpan(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)) return false;
            value = (value << 8) | b;
        }
        address = new BluetoothDeviceAddress(value, type);
        return true;
    }

    /// <summary>Reads the little-endian 6-byte form used on the wire and in sockaddr_hci/sockaddr_l2.</summary>
    public static ulong FromLittleEndian(ReadOnlySpan<byte> bdaddr)
    {
        if (bdaddr.Length < 6) throw new ArgumentException("BD_ADDR needs 6 bytes", nameof(bdaddr));
        ulong v = 0;
        for (int i = 5; i >= 0; i--) v = (v << 8) | bdaddr[i];
        return v;
    }

    /// <summary>Writes the little-endian 6-byte wire form.</summary>
    public void WriteLittleEndian(Span<byte> destination)
    {
        if (destination.Length < 6) throw new ArgumentException("BD_ADDR needs 6 bytes", nameof(destination));
        for (int i = 0; i < 6; i++) destination[i] = (byte)(Value >> (8 * i));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(byte)(Value >> 40):X2}:{(byte)(Value >> 32):X2}:{(byte)(Value >> 24):X2}:{(byte)(Value >> 16):X2}:{(byte)(Value >> 8):X2}:{(byte)Value:X2}");
}
