using System.Globalization;
using ShortRange.Linux.Netlink;

namespace ShortRange.LowPan.Adapters;

/// <summary>Details of a wpan network interface (<see cref="ShortRange.Adapters.AdapterInfo.Details"/>).</summary>
/// <param name="HardwareType">ARPHRD_IEEE802154 (804) or ARPHRD_IEEE802154_MONITOR (805), include/uapi/linux/if_arp.h.</param>
public sealed record WpanInterface(string Name, int InterfaceIndex, int HardwareType, bool IsUp, string? ExtendedAddress)
{
    public const int ARPHRD_IEEE802154 = 804;
    public const int ARPHRD_IEEE802154_MONITOR = 805;
    private const int IFF_UP = 0x1;

    /// <summary>Reads every 802.15.4 interface from sysfs (type, ifindex, flags, address files of /sys/class/net/*).</summary>
    public static IReadOnlyList<WpanInterface> List(string sysClassNet = "/sys/class/net")
    {
        var result = new List<WpanInterface>();
        if (!Directory.Exists(sysClassNet)) return result;
        foreach (var dir in Directory.EnumerateDirectories(sysClassNet).Order(StringComparer.Ordinal))
        {
            try
            {
                int type = ReadInt(Path.Combine(dir, "type"));
                if (type is not (ARPHRD_IEEE802154 or ARPHRD_IEEE802154_MONITOR)) continue;
                int index = ReadInt(Path.Combine(dir, "ifindex"));
                int flags = ReadInt(Path.Combine(dir, "flags"));
                string? address = File.Exists(Path.Combine(dir, "address")) ? File.ReadAllText(Path.Combine(dir, "address")).Trim() : null;
                result.Add(new WpanInterface(Path.GetFileName(dir), index, type, (flags & IFF_UP) != 0, address));
            }
            catch (IOException) { } // interface vanished while reading
            catch (FormatException) { }
            catch (UnauthorizedAccessException) { }
        }
        return result;
    }

    /// <summary>The same record from an rtnetlink link message (IFLA_ADDRESS printed like sysfs: lower-case hex, colons).</summary>
    public static WpanInterface FromLink(LinkInfo link)
    {
        ArgumentNullException.ThrowIfNull(link);
        string? address = link.HardwareAddress.Length == 0 ? null
            : string.Join(':', link.HardwareAddress.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return new WpanInterface(link.Name, link.Index, link.Type, link.IsUp, address);
    }

    private static int ReadInt(string path)
    {
        var text = File.ReadAllText(path).Trim();
        return text.StartsWith("0x", StringComparison.Ordinal)
            ? int.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : int.Parse(text, CultureInfo.InvariantCulture);
    }
}
