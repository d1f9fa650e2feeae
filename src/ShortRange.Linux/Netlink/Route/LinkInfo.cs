namespace ShortRange.Linux.Netlink;

/// <summary>A network interface as RTM_NEWLINK describes it.</summary>
/// <param name="Flags">IFF_* flags (IFF_UP=0x1, IFF_RUNNING=0x40, IFF_LOWER_UP=0x10000).</param>
/// <param name="Type">ARPHRD_* hardware type.</param>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "bridge", "lowpan"…) or null.</param>
public sealed record LinkInfo(int Index, string Name, uint Flags, ushort Type, byte[] HardwareAddress, string? Kind, int? Master)
{
    public bool IsUp => (Flags & 0x1) != 0;
    public bool IsRunning => (Flags & 0x40) != 0;
}

/// <summary>RTM_NEWLINK (added or changed) or RTM_DELLINK (removed).</summary>
public sealed record LinkEvent(bool Removed, LinkInfo Link);
