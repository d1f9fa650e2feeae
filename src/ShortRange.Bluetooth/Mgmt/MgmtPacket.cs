using System.Buffers.Binary;
using System.Globalization;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>
/// One mgmt command or event: Code (u16 LE), Controller Index (u16 LE), Parameter Length (u16 LE), Parameters
/// (BlueZ doc/mgmt-api.txt, "Packet Structures").
/// </summary>
public readonly record struct MgmtPacket(ushort Code, ushort Index, ReadOnlyMemory<byte> Parameters)
{
    public const int HeaderSize = 6;

    /// <summary>Controller Index value meaning "not related to any controller".</summary>
    public const ushort MGMT_INDEX_NONE = 0xFFFF;

    public int EncodedLength => HeaderSize + Parameters.Length;

    /// <summary>Writes header and parameters; returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (Parameters.Length > ushort.MaxValue)
            throw new ArgumentException("mgmt parameters exceed 65535 bytes");
        if (destination.Length < EncodedLength) throw new ArgumentException("destination too small", nameof(destination));
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Code);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], Index);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)Parameters.Length);
        Parameters.Span.CopyTo(destination[HeaderSize..]);
        return EncodedLength;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>
    /// Decodes one packet (one datagram from the control socket). The parameter length must match the datagram;
    /// a mismatch is a <see cref="MgmtProtocolException"/>. Parameters are copied so the receive buffer can be reused.
    /// </summary>
    public static MgmtPacket Decode(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderSize)
            throw new MgmtProtocolException(string.Create(CultureInfo.InvariantCulture, $"mgmt packet of {datagram.Length} bytes is shorter than its 6-byte header"));
        ushort code = BinaryPrimitives.ReadUInt16LittleEndian(datagram);
        ushort index = BinaryPrimitives.ReadUInt16LittleEndian(datagram[2..]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
        if (length != datagram.Length - HeaderSize)
            throw new MgmtProtocolException(string.Create(CultureInfo.InvariantCulture,
                $"mgmt packet 0x{code:X4} declares {length} parameter bytes but carries {datagram.Length - HeaderSize}"));
        return new MgmtPacket(code, index, datagram.Slice(HeaderSize, length).ToArray());
    }
}
