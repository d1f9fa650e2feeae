using System.Globalization;
using System.Text.RegularExpressions;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// Who listens to a netlink multicast group, read from the kernel rather than from the SDK: the mcast group id from
/// iproute2's <c>genl ctrl get</c>, members from <c>/proc/net/netlink</c>. That file's Groups column is the first
/// 32 groups as a bitmask (net/netlink/af_netlink.c, netlink_seq_show), so only ids 1–32 can be observed.
/// Lets a test wait until a monitor really listens instead of sleeping.
/// </summary>
public static partial class NetlinkMembership
{
    /// <summary>NETLINK_GENERIC (include/uapi/linux/netlink.h).</summary>
    public const int NETLINK_GENERIC = 16;

    /// <summary>The id of multicast group <paramref name="group"/> of generic-netlink family <paramref name="family"/>.</summary>
    public static int GenericGroupId(string family, string group)
    {
        string genl = LabRequire.Tool("genl");
        var output = LabProcess.Run(genl, "ctrl", "get", "name", family).EnsureSuccess().StandardOutput;
        foreach (Match m in GroupLine().Matches(output))
            if (m.Groups["name"].Value == group)
                return int.Parse(m.Groups["id"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"genl shows no multicast group '{group}' in family '{family}':\n{output}");
    }

    /// <summary>How many sockets of <paramref name="protocol"/> are members of <paramref name="group"/> (1–32).</summary>
    public static int Members(int protocol, int group)
    {
        if (group is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(group), group, "/proc/net/netlink shows groups 1–32 only");
        uint bit = 1u << (group - 1);
        int count = 0;
        foreach (string line in File.ReadLines("/proc/net/netlink").Skip(1))
        {
            // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || f[1] != protocol.ToString(CultureInfo.InvariantCulture)) continue;
            if ((uint.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & bit) != 0) count++;
        }
        return count;
    }

    [GeneratedRegex(@"ID-0x(?<id>[0-9a-fA-F]+)\s+name:\s+(?<name>\S+)")]
    private static partial Regex GroupLine();
}
