namespace ShortRange.Linux.Sockets;

/// <summary>AF_PACKET constants (include/uapi/linux/if_packet.h, if_ether.h, if_arp.h).</summary>
public static class PacketSocketConstants
{
    // if_ether.h (host value; sockaddr_ll / socket() take it in network byte order)
    public const ushort ETH_P_ALL = 0x0003;
    public const ushort ETH_P_IP = 0x0800;
    public const ushort ETH_P_IPV6 = 0x86DD;
    public const ushort ETH_P_IEEE802154 = 0x00F6;

    // if_packet.h: sll_pkttype
    public const byte PACKET_HOST = 0;
    public const byte PACKET_BROADCAST = 1;
    public const byte PACKET_MULTICAST = 2;
    public const byte PACKET_OTHERHOST = 3;
    public const byte PACKET_OUTGOING = 4;

    public const int SOL_PACKET = 263;
    public const int PACKET_ADD_MEMBERSHIP = 1;
    public const int PACKET_DROP_MEMBERSHIP = 2;

    // if_arp.h: ARPHRD_*
    public const ushort ARPHRD_ETHER = 1;
    public const ushort ARPHRD_LOOPBACK = 772;
    public const ushort ARPHRD_IEEE802154 = 804;
    public const ushort ARPHRD_IEEE802154_MONITOR = 805;
    public const ushort ARPHRD_6LOWPAN = 825;
    public const ushort ARPHRD_NONE = 0xFFFE;
}
