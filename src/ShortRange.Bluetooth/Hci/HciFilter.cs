using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// The HCI_FILTER socket option of a raw HCI socket (kernel include/net/bluetooth/hci_sock.h, struct hci_ufilter:
/// __u32 type_mask; __u32 event_mask[2]; __u16 opcode; — 16 bytes with padding). A packet passes when bit
/// (packet type &amp; 31) of <see cref="TypeMask"/> is set; an event additionally needs bit (event code &amp; 63) of
/// <see cref="EventMask"/>; with a non-zero <see cref="Opcode"/>, Command Complete/Status pass only for that opcode
/// (net/bluetooth/hci_sock.c, is_filtered_packet). A new raw socket's filter is all zero: it receives nothing.
/// Without CAP_NET_RAW the kernel ANDs the masks with its security filter (hci_sec_filter).
/// </summary>
public readonly record struct HciFilter(uint TypeMask, ulong EventMask, ushort Opcode)
{
    public const int SizeOf = 16;
    private const int HCI_FLT_TYPE_BITS = 31;
    private const int HCI_FLT_EVENT_BITS = 63;

    /// <summary>Every event, no data packets.</summary>
    public static HciFilter AllEvents => new(TypeBit(HciPacketType.HCI_EVENT_PKT), ulong.MaxValue, 0);

    /// <summary>Only the given events (any opcode).</summary>
    public static HciFilter Events(params ReadOnlySpan<byte> eventCodes)
    {
        ulong m = 0;
        foreach (var e in eventCodes) m |= 1UL << (e & HCI_FLT_EVENT_BITS);
        return new HciFilter(TypeBit(HciPacketType.HCI_EVENT_PKT), m, 0);
    }

    public static uint TypeBit(byte packetType) => 1u << (packetType & HCI_FLT_TYPE_BITS);

    /// <summary>A filter passing whatever either filter passes (opcode kept only when both agree).</summary>
    public HciFilter Union(HciFilter other) =>
        new(TypeMask | other.TypeMask, EventMask | other.EventMask, Opcode == other.Opcode ? Opcode : (ushort)0);

    /// <summary>The kernel's decision for one packet (indicator first), as hci_sock.c makes it.</summary>
    public bool Matches(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty) return false;
        byte type = datagram[0];
        if ((TypeMask & TypeBit(type)) == 0) return false;
        if (type != HciPacketType.HCI_EVENT_PKT) return true;
        if (datagram.Length < 2) return false;
        byte ev = datagram[1];
        if ((EventMask & (1UL << (ev & HCI_FLT_EVENT_BITS))) == 0) return false;
        if (Opcode == 0) return true;
        // Offsets after the indicator: CC = code, len, Num_HCI_Command_Packets, Opcode; CS = code, len, Status, Num, Opcode.
        if (ev == HciEventCode.HCI_Command_Complete)
            return datagram.Length >= 6 && BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]) == Opcode;
        if (ev == HciEventCode.HCI_Command_Status)
            return datagram.Length >= 7 && BinaryPrimitives.ReadUInt16LittleEndian(datagram[5..]) == Opcode;
        return true;
    }

    /// <summary>struct hci_ufilter bytes (host byte order: little-endian on every Linux Bluetooth target we build for).</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < SizeOf) throw new ArgumentException("hci_ufilter needs 16 bytes", nameof(destination));
        destination[..SizeOf].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, TypeMask);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)EventMask);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)(EventMask >> 32));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], Opcode);
    }

    public static HciFilter Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < 14) throw new HciFormatException($"hci_ufilter: {source.Length} bytes, needs 14");
        ulong ev = BinaryPrimitives.ReadUInt32LittleEndian(source[4..]) | (ulong)BinaryPrimitives.ReadUInt32LittleEndian(source[8..]) << 32;
        return new HciFilter(BinaryPrimitives.ReadUInt32LittleEndian(source), ev, BinaryPrimitives.ReadUInt16LittleEndian(source[12..]));
    }
}
