using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Hci;

/// <summary>Packet_Boundary_Flag of an ACL data packet (Core Vol 4 Part E §5.4.2).</summary>
public enum HciAclPacketBoundary : byte
{
    /// <summary>0b00: first packet of a non-automatically-flushable L2CAP PDU (host to controller).</summary>
    FirstNonFlushable = 0b00,
    /// <summary>0b01: continuing fragment.</summary>
    Continuing = 0b01,
    /// <summary>0b10: first packet of an automatically flushable L2CAP PDU.</summary>
    FirstFlushable = 0b10,
    /// <summary>0b11: a complete L2CAP PDU, automatically flushable (deprecated).</summary>
    Complete = 0b11,
}

/// <summary>Broadcast_Flag of an ACL data packet (Core Vol 4 Part E §5.4.2).</summary>
public enum HciAclBroadcast : byte
{
    PointToPoint = 0b00,
    BrEdrBroadcast = 0b01,
}

/// <summary>
/// An HCI ACL Data packet (Core Vol 4 Part E §5.4.2): Handle (12 bits), PB_Flag (2 bits), BC_Flag (2 bits) in one
/// little-endian 16-bit field, Data_Total_Length (2 octets), data.
/// </summary>
public readonly record struct HciAclPacket(ushort Handle, HciAclPacketBoundary PacketBoundary, HciAclBroadcast Broadcast, ReadOnlyMemory<byte> Data)
{
    public const int HeaderSize = 4;
    /// <summary>Largest Connection_Handle (0x0EFF, §5.4.2); 0x0F00–0x0FFF are reserved.</summary>
    public const ushort MaxHandle = 0x0EFF;

    public int Size => HeaderSize + Data.Length;

    public int WriteTo(Span<byte> destination)
    {
        if (Handle > 0x0FFF) throw new ArgumentException("Connection_Handle has 12 bits");
        if (Data.Length > ushort.MaxValue) throw new ArgumentException("ACL data is at most 65535 octets");
        if (destination.Length < Size) throw new ArgumentException("destination too small", nameof(destination));
        ushort hf = (ushort)(Handle | ((int)PacketBoundary & 3) << 12 | ((int)Broadcast & 3) << 14);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, hf);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)Data.Length);
        Data.Span.CopyTo(destination[HeaderSize..]);
        return Size;
    }

    public byte[] ToDatagram()
    {
        var d = new byte[1 + Size];
        d[0] = HciPacketType.HCI_ACLDATA_PKT;
        WriteTo(d.AsSpan(1));
        return d;
    }

    /// <summary>Decodes a packet (no indicator); Data_Total_Length must match the bytes present.</summary>
    public static HciAclPacket Decode(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderSize) throw new HciFormatException($"HCI ACL packet: {packet.Length} bytes, header needs {HeaderSize}");
        ushort hf = BinaryPrimitives.ReadUInt16LittleEndian(packet);
        int len = BinaryPrimitives.ReadUInt16LittleEndian(packet[2..]);
        if (packet.Length - HeaderSize != len)
            throw new HciFormatException($"HCI ACL packet: Data_Total_Length {len} but {packet.Length - HeaderSize} data bytes");
        return new HciAclPacket((ushort)(hf & 0x0FFF), (HciAclPacketBoundary)((hf >> 12) & 3), (HciAclBroadcast)((hf >> 14) & 3),
            packet[HeaderSize..].ToArray());
    }
}
