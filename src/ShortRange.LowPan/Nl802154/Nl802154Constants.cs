namespace ShortRange.LowPan.Nl802154;

/// <summary>Commands of the "nl802154" generic netlink family, enum nl802154_commands in the kernel's include/net/nl802154.h.</summary>
public static class Nl802154Command
{
    public const byte NL802154_CMD_GET_WPAN_PHY = 1;
    public const byte NL802154_CMD_GET_INTERFACE = 5;
    public const byte NL802154_CMD_SET_INTERFACE = 6;
    public const byte NL802154_CMD_NEW_INTERFACE = 7;
    public const byte NL802154_CMD_DEL_INTERFACE = 8;
    public const byte NL802154_CMD_SET_CHANNEL = 9;
    public const byte NL802154_CMD_SET_PAN_ID = 10;
    public const byte NL802154_CMD_SET_SHORT_ADDR = 11;
    public const byte NL802154_CMD_SET_ACKREQ_DEFAULT = 19;
}

/// <summary>Attributes, enum nl802154_attrs in include/net/nl802154.h. PAN_ID/SHORT_ADDR are __le16, EXTENDED_ADDR __le64.</summary>
public static class Nl802154Attribute
{
    public const ushort NL802154_ATTR_WPAN_PHY = 1;        // u32
    public const ushort NL802154_ATTR_WPAN_PHY_NAME = 2;   // string
    public const ushort NL802154_ATTR_IFINDEX = 3;         // u32
    public const ushort NL802154_ATTR_IFNAME = 4;          // string
    public const ushort NL802154_ATTR_IFTYPE = 5;          // u32 (enum nl802154_iftype)
    public const ushort NL802154_ATTR_WPAN_DEV = 6;        // u64
    public const ushort NL802154_ATTR_PAGE = 7;            // u8
    public const ushort NL802154_ATTR_CHANNEL = 8;         // u8
    public const ushort NL802154_ATTR_PAN_ID = 9;          // __le16
    public const ushort NL802154_ATTR_SHORT_ADDR = 10;     // __le16
    public const ushort NL802154_ATTR_EXTENDED_ADDR = 23;  // __le64
    public const ushort NL802154_ATTR_ACKREQ_DEFAULT = 26; // u8
}

/// <summary>enum nl802154_iftype (include/net/nl802154.h).</summary>
public enum WpanInterfaceType : uint
{
    Node = 0,
    Monitor = 1,
    Coordinator = 2,
}

/// <summary>Generic netlink / netlink constants (include/uapi/linux/netlink.h, genetlink.h).</summary>
internal static class NetlinkConstants
{
    public const int AF_NETLINK = 16;
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_GENERIC = 16;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort GENL_ID_CTRL = 0x10;
    public const byte CTRL_CMD_GETFAMILY = 3;
    public const ushort CTRL_ATTR_FAMILY_ID = 1;
    public const ushort CTRL_ATTR_FAMILY_NAME = 2;
    public const ushort NLA_TYPE_MASK = 0x3FFF;
    public const int NlMsgHdrLength = 16;
    public const int GenlHdrLength = 4;
    // rtnetlink (include/uapi/linux/rtnetlink.h, if_link.h)
    public const ushort RTM_NEWLINK = 16;
    public const int IfInfoMsgLength = 16;
    public const uint IFF_UP = 1;
}
