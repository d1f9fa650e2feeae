using System.Buffers.Binary;
using System.Globalization;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>Bounds-checked little-endian cursor over mgmt parameters; a short read is a <see cref="MgmtProtocolException"/>.</summary>
internal ref struct MgmtReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private int _pos;

    public MgmtReader(ReadOnlySpan<byte> data, string what)
    {
        _data = data;
        _what = what;
        _pos = 0;
    }

    public readonly int Remaining => _data.Length - _pos;

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > Remaining)
            throw new MgmtProtocolException(string.Create(CultureInfo.InvariantCulture,
                $"{_what}: needs {count} more bytes at offset {_pos} but only {Remaining} remain"));
        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public byte U8() => Bytes(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
    public uint U24() { var b = Bytes(3); return (uint)(b[0] | (b[1] << 8) | (b[2] << 16)); }

    /// <summary>Address (6 octets) followed by Address_Type (1 octet).</summary>
    public BluetoothDeviceAddress Address()
    {
        ulong value = BluetoothDeviceAddress.FromLittleEndian(Bytes(6));
        byte type = U8();
        if (type > 2)
            throw new MgmtProtocolException(string.Create(CultureInfo.InvariantCulture, $"{_what}: invalid Address_Type {type}"));
        return new BluetoothDeviceAddress(value, (BluetoothAddressType)type);
    }

    /// <summary>A fixed-size NUL-padded UTF-8 string field.</summary>
    public string FixedString(int size)
    {
        var b = Bytes(size);
        int nul = b.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(nul < 0 ? b : b[..nul]);
    }
}
