using System.Buffers.Binary;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_nl (linux/netlink.h): { __kernel_sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; } — 12 bytes.
/// </summary>
/// <param name="PortId">nl_pid: 0 lets the kernel assign one when binding, and addresses the kernel when sending.</param>
/// <param name="Groups">nl_groups: legacy multicast bitmask (groups 1..32); prefer NETLINK_ADD_MEMBERSHIP.</param>
public readonly record struct NetlinkSocketAddress(uint PortId = 0, uint Groups = 0) : INativeSocketAddress
{
    public const int SizeOf = 12;
    internal const int OffsetPid = 4, OffsetGroups = 8;

    public int Family => LinuxAddressFamily.AF_NETLINK;
    public int Size => SizeOf;

    public void WriteTo(Span<byte> destination)
    {
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetPid..], PortId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetGroups..], Groups);
    }

    public static NetlinkSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, SizeOf, LinuxAddressFamily.AF_NETLINK, "sockaddr_nl");
        return new(BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetPid..]), BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetGroups..]));
    }
}
