namespace ShortRange.Linux.Netlink;

/// <summary>Netlink constants (include/uapi/linux/netlink.h).</summary>
public static class NetlinkConstants
{
    // Protocols (socket()'s protocol argument)
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_GENERIC = 16;

    // Message types
    public const ushort NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4, NLMSG_MIN_TYPE = 0x10;

    // nlmsg_flags
    public const ushort NLM_F_REQUEST = 0x01, NLM_F_MULTI = 0x02, NLM_F_ACK = 0x04, NLM_F_ECHO = 0x08, NLM_F_DUMP_INTR = 0x10;
    public const ushort NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_ATOMIC = 0x400, NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public const ushort NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
    public const ushort NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;

    // Socket options (level SOL_NETLINK)
    public const int SOL_NETLINK = 270;
    public const int NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;

    // Extended ACK TLVs (enum nlmsgerr_attrs)
    public const ushort NLMSGERR_ATTR_MSG = 1, NLMSGERR_ATTR_OFFS = 2;

    // Attributes (struct nlattr)
    public const int NLA_ALIGNTO = 4;
    public const int NLA_HDRLEN = 4;
    public const ushort NLA_F_NESTED = 0x8000, NLA_F_NET_BYTEORDER = 0x4000, NLA_TYPE_MASK = 0x3FFF;
    public const int NLMSG_HDRLEN = 16;

    public static int Align(int length) => (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
}
