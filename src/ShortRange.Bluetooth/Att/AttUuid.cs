using System.Buffers.Binary;
using ShortRange.Bluetooth.Advertising;

namespace ShortRange.Bluetooth.Att;

/// <summary>
/// Attribute types on the wire: a 16-bit UUID (2 octets) or a full 128-bit UUID (16 octets), both little-endian
/// (Core 5.4 Vol 3 Part F §3.2.1). 32-bit UUIDs never appear in ATT; they travel as 128-bit.
/// </summary>
public static class AttUuid
{
    /// <summary>The 16-bit alias of <paramref name="uuid"/> when it lies on the Bluetooth Base UUID with a 16-bit value.</summary>
    public static bool TryGetShort(Guid uuid, out ushort value)
    {
        Span<byte> be = stackalloc byte[16];
        uuid.TryWriteBytes(be, bigEndian: true, out _);
        value = BinaryPrimitives.ReadUInt16BigEndian(be[2..]);
        if (be[0] != 0 || be[1] != 0) return false;
        return uuid == BluetoothUuid.FromShort(value);
    }

    /// <summary>Octets <paramref name="uuid"/> takes on the wire in its shortest ATT form: 2 or 16.</summary>
    public static int GetSize(Guid uuid) => TryGetShort(uuid, out _) ? 2 : 16;

    /// <summary>Writes the shortest ATT form; returns the octets written.</summary>
    public static int Write(Guid uuid, Span<byte> destination) => Write(uuid, GetSize(uuid), destination);

    /// <summary>Writes <paramref name="uuid"/> in <paramref name="size"/> octets (2 only for 16-bit aliases, or 16).</summary>
    public static int Write(Guid uuid, int size, Span<byte> destination)
    {
        if (size == 2)
        {
            if (!TryGetShort(uuid, out ushort s)) throw new ArgumentException($"{uuid} has no 16-bit form", nameof(uuid));
            BinaryPrimitives.WriteUInt16LittleEndian(destination, s);
            return 2;
        }
        if (size != 16) throw new ArgumentOutOfRangeException(nameof(size), size, "ATT UUIDs are 2 or 16 octets");
        BluetoothUuid.WriteLittleEndian128(uuid, destination);
        return 16;
    }

    /// <summary>Reads a 2- or 16-octet ATT UUID; any other length is a malformed PDU.</summary>
    public static Guid Read(ReadOnlySpan<byte> source) => source.Length switch
    {
        2 => BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt16LittleEndian(source)),
        16 => BluetoothUuid.FromLittleEndian128(source),
        _ => throw new AttFormatException($"an ATT UUID is 2 or 16 octets, not {source.Length}"),
    };
}
