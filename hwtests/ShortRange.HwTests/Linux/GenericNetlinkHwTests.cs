using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Linux;

/// <summary>Resolves the generic-netlink families the NFC and 802.15.4 modules use; skips where the kernel lacks them.</summary>
public class GenericNetlinkHwTests
{
    [Theory]
    [InlineData("nfc", "events")]          // include/uapi/linux/nfc.h NFC_GENL_NAME / NFC_GENL_MCAST_EVENT_NAME
    [InlineData("nl802154", "config")]     // net/ieee802154/nl802154.c multicast group "config"
    public async Task Family_and_multicast_group_resolve(string family, string group)
    {
        using var genl = GenericNetlinkClient.Open();
        GenericNetlinkFamily f;
        try
        {
            f = await genl.ResolveFamilyAsync(family, TestContext.Current.CancellationToken);
        }
        catch (NetlinkException e) when (e.ErrorNumber == Errno.ENOENT)
        {
            LabRequire.Missing($"this kernel has no '{family}' generic netlink family: {e.Message}");
            throw;
        }
        Assert.Equal(family, f.Name);
        Assert.True(f.Id >= 0x10, $"family id {f.Id}");
        Assert.True(f.MulticastGroups.ContainsKey(group), $"groups: {string.Join(",", f.MulticastGroups.Keys)}");
    }
}
