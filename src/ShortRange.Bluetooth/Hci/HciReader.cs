using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Hci;

/// <summary>A bounds-checked little-endian cursor over HCI parameters; running short throws <see cref="HciFormatException"/>.</summary>
internal ref struct HciReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private int _pos;

    public HciReader(ReadOnlySpan<byte> data, string what)
    {
        _data = data;
        _what = what;
        _pos = 0;
    }

    public readonly int Remaining => _data.Length - _pos;

    public ReadOnlySpan<byte> Bytes(int n)
    {
        if (n < 0 || n > Remaining)
            throw new HciFormatException($"{_what}: needs {n} more bytes at offset {_pos}, has {Remaining}");
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    public byte U8() => Bytes(1)[0];
    public sbyte S8() => (sbyte)Bytes(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));
    public uint U24() { var b = Bytes(3); return (uint)(b[0] | (b[1] << 8) | (b[2] << 16)); }
    public ulong Address() => Devices.BluetoothDeviceAddress.FromLittleEndian(Bytes(6));
    public ReadOnlySpan<byte> Rest() => Bytes(Remaining);
}
