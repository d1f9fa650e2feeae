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
    /// <summary>Moves a wpan phy (and its interfaces) to another network namespace (NL802154_ATTR_PID or NL802154_ATTR_NETNS_FD).</summary>
    public const byte NL802154_CMD_SET_WPAN_PHY_NETNS = 20;
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
    public const ushort NL802154_ATTR_PID = 28;             // u32
    public const ushort NL802154_ATTR_NETNS_FD = 29;        // u32
}

/// <summary>enum nl802154_iftype (include/net/nl802154.h).</summary>
public enum WpanInterfaceType : uint
{
    Node = 0,
    Monitor = 1,
    Coordinator = 2,
}
