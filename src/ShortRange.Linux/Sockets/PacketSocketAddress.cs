using System.Buffers.Binary;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_ll (linux/if_packet.h): { unsigned short sll_family; __be16 sll_protocol; int sll_ifindex;
/// unsigned short sll_hatype; unsigned char sll_pkttype; unsigned char sll_halen; unsigned char sll_addr[8]; } — 20 bytes.
/// </summary>
/// <param name="Protocol">Ethertype in host order (e.g. <see cref="PacketSocketConstants.ETH_P_IEEE802154"/>); written big-endian.</param>
/// <param name="InterfaceIndex">sll_ifindex (0 = any interface when binding).</param>
/// <param name="HardwareAddress">sll_addr (up to 8 bytes; sll_halen is its length), or null.</param>
public readonly record struct PacketSocketAddress(ushort Protocol, int InterfaceIndex, ushort HardwareType = 0, byte PacketType = 0,
    ReadOnlyMemory<byte> HardwareAddress = default) : INativeSocketAddress
{
    public const int SizeOf = 20;
    internal const int OffsetProtocol = 2, OffsetIfindex = 4, OffsetHatype = 8, OffsetPkttype = 10, OffsetHalen = 11, OffsetAddr = 12;

    public int Family => LinuxAddressFamily.AF_PACKET;
    public int Size => SizeOf;

    public void WriteTo(Span<byte> destination)
    {
        if (HardwareAddress.Length > 8) throw new ArgumentException("sockaddr_ll.sll_addr holds at most 8 bytes");
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        BinaryPrimitives.WriteUInt16BigEndian(d[OffsetProtocol..], Protocol);
        BinaryPrimitives.WriteInt32LittleEndian(d[OffsetIfindex..], InterfaceIndex);
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetHatype..], HardwareType);
        d[OffsetPkttype] = PacketType;
        d[OffsetHalen] = (byte)HardwareAddress.Length;
        HardwareAddress.Span.CopyTo(d[OffsetAddr..]);
    }

    public static PacketSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, SizeOf, LinuxAddressFamily.AF_PACKET, "sockaddr_ll");
        int halen = Math.Min((int)s[OffsetHalen], 8);
        return new(BinaryPrimitives.ReadUInt16BigEndian(s[OffsetProtocol..]), BinaryPrimitives.ReadInt32LittleEndian(s[OffsetIfindex..]),
            BinaryPrimitives.ReadUInt16LittleEndian(s[OffsetHatype..]), s[OffsetPkttype], s.Slice(OffsetAddr, halen).ToArray());
    }
}
