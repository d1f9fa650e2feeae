using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// An HCI Command packet (Core Vol 4 Part E §5.4.1): Opcode (2 octets, little-endian), Parameter_Total_Length
/// (1 octet), parameters (at most 255 octets).
/// </summary>
public readonly record struct HciCommandPacket(ushort Opcode, ReadOnlyMemory<byte> Parameters)
{
    public const int HeaderSize = 3;
    public const int MaxParameterLength = byte.MaxValue;

    /// <summary>Bytes of the packet without the packet indicator.</summary>
    public int Size => HeaderSize + Parameters.Length;

    /// <summary>Writes the packet (no indicator); returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (Parameters.Length > MaxParameterLength)
            throw new ArgumentException($"HCI command parameters are at most {MaxParameterLength} octets, got {Parameters.Length}");
        if (destination.Length < Size) throw new ArgumentException("destination too small", nameof(destination));
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Opcode);
        destination[2] = (byte)Parameters.Length;
        Parameters.Span.CopyTo(destination[HeaderSize..]);
        return Size;
    }

    /// <summary>The datagram a Linux HCI socket expects: HCI_COMMAND_PKT indicator then the packet.</summary>
    public byte[] ToDatagram()
    {
        var d = new byte[1 + Size];
        d[0] = HciPacketType.HCI_COMMAND_PKT;
        WriteTo(d.AsSpan(1));
        return d;
    }

    /// <summary>Decodes a packet (no indicator); Parameter_Total_Length must match the bytes present.</summary>
    public static HciCommandPacket Decode(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderSize) throw new HciFormatException($"HCI command packet: {packet.Length} bytes, header needs {HeaderSize}");
        int len = packet[2];
        if (packet.Length - HeaderSize != len)
            throw new HciFormatException($"HCI command packet: Parameter_Total_Length {len} but {packet.Length - HeaderSize} parameter bytes");
        return new HciCommandPacket(BinaryPrimitives.ReadUInt16LittleEndian(packet), packet[HeaderSize..].ToArray());
    }
}
