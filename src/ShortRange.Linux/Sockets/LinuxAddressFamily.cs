using System.Globalization;

namespace ShortRange.Linux.Sockets;

/// <summary>Linux address families (&lt;bits/socket.h&gt; / include/linux/socket.h). Values are the kernel's, not .NET's AddressFamily.</summary>
public static class LinuxAddressFamily
{
    public const int AF_UNSPEC = 0;
    public const int AF_UNIX = 1;
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int AF_NETLINK = 16;
    public const int AF_PACKET = 17;
    public const int AF_BLUETOOTH = 31;
    public const int AF_IEEE802154 = 36;
    public const int AF_NFC = 39;

    /// <summary>"AF_BLUETOOTH" for 31; "AF_n" for families outside the table.</summary>
    public static string Name(int family) => family switch
    {
        AF_UNSPEC => "AF_UNSPEC", AF_UNIX => "AF_UNIX", AF_INET => "AF_INET", AF_INET6 => "AF_INET6",
        AF_NETLINK => "AF_NETLINK", AF_PACKET => "AF_PACKET", AF_BLUETOOTH => "AF_BLUETOOTH",
        AF_IEEE802154 => "AF_IEEE802154", AF_NFC => "AF_NFC",
        _ => "AF_" + family.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The SDK technology a family belongs to, or null for general-purpose families.</summary>
    public static Technology? TechnologyOf(int family) => family switch
    {
        AF_BLUETOOTH => Technology.Bluetooth,
        AF_IEEE802154 => Technology.Ieee802154,
        AF_NFC => Technology.Nfc,
        _ => null,
    };
}
