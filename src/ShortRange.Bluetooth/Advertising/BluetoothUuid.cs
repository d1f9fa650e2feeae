using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Advertising;

/// <summary>16/32-bit UUIDs expanded over the Bluetooth Base UUID 00000000-0000-1000-8000-00805F9B34FB (Core Vol 3 Part B §2.5.1).</summary>
public static class BluetoothUuid
{
    private static readonly byte[] BaseTail = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0x80, 0x5F, 0x9B, 0x34, 0xFB];

    public static Guid FromShort(uint value)
    {
        Span<byte> be = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(be, value);
        BaseTail.CopyTo(be[4..]);
        return new Guid(be, bigEndian: true);
    }

    /// <summary>A 128-bit UUID as it appears in AD data (little-endian octet order).</summary>
    public static Guid FromLittleEndian128(ReadOnlySpan<byte> le)
    {
        Span<byte> be = stackalloc byte[16];
        for (int i = 0; i < 16; i++) be[i] = le[15 - i];
        return new Guid(be, bigEndian: true);
    }

    /// <summary>Writes the AD (little-endian) form of <paramref name="uuid"/>.</summary>
    public static void WriteLittleEndian128(Guid uuid, Span<byte> destination)
    {
        Span<byte> be = stackalloc byte[16];
        uuid.TryWriteBytes(be, bigEndian: true, out _);
        for (int i = 0; i < 16; i++) destination[i] = be[15 - i];
    }
}
