using ShortRange.Errors;
using ShortRange.Linux.Netlink;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Nl802154;

namespace ShortRange.LowPan.Tests;

public class Nl802154Tests
{
    [Fact]
    public void Interface_dump_reply_parses_le_addresses()
    {
        var w = new NetlinkAttributeWriter()
            .WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFINDEX, 4).WriteString(Nl802154Attribute.NL802154_ATTR_IFNAME, "wpan0")
            .WriteUInt32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, 0).WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFTYPE, 0)
            .WriteUInt64(Nl802154Attribute.NL802154_ATTR_EXTENDED_ADDR, 0x0011223344556677)
            .WriteUInt16(Nl802154Attribute.NL802154_ATTR_SHORT_ADDR, 0xFFFE).WriteUInt16(Nl802154Attribute.NL802154_ATTR_PAN_ID, 0xBEEF)
            .WriteByte(Nl802154Attribute.NL802154_ATTR_ACKREQ_DEFAULT, 1);
        // On the wire: __le64 extended address, least significant byte first (include/net/nl802154.h).
        Assert.Equal(Packets.Hex("0c00 1700 7766554433221100"), w.WrittenSpan.Slice(36, 12).ToArray());
        var info = Nl802154Client.ParseInterface(w.WrittenSpan);
        Assert.Equal(new WpanInterfaceInfo(4, "wpan0", 0, WpanInterfaceType.Node, 0x0011223344556677, 0xFFFE, 0xBEEF, true), info);
    }

    [Fact]
    public void Phy_dump_reply_parses_page_and_channel()
    {
        var w = new NetlinkAttributeWriter().WriteUInt32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, 1)
            .WriteString(Nl802154Attribute.NL802154_ATTR_WPAN_PHY_NAME, "phy1")
            .WriteByte(Nl802154Attribute.NL802154_ATTR_PAGE, 0).WriteByte(Nl802154Attribute.NL802154_ATTR_CHANNEL, 13);
        Assert.Equal(new WpanPhy(1, "phy1", 0, 13), Nl802154Client.ParsePhy(w.WrittenSpan));
    }

    [Fact]
    public void Malformed_attributes_throw_format_errors()
    {
        Assert.Throws<NetlinkFormatException>(() => Nl802154Client.ParseInterface(Packets.Hex("ff00 0300 00000000")));
        Assert.Throws<NetlinkFormatException>(() => Nl802154Client.ParsePhy(Packets.Hex("0500 0700")));
    }

    [Fact]
    public async Task Kernel_without_802154_reports_stack_unavailable_and_rtnetlink_acks()
    {
        Assert.SkipWhen(Directory.Exists("/sys/class/ieee802154"), "This kernel has 802.15.4; covered by the hwtests.");
        var e = await Assert.ThrowsAsync<StackUnavailableException>(() => Nl802154Client.OpenAsync(TestContext.Current.CancellationToken));
        Assert.Equal(Technology.Ieee802154, e.Technology);
        // rtnetlink round trip against the real kernel: "lo" is up; setting it up again is acknowledged.
        try { await Nl802154Client.SetLinkUpAsync(1, true, TestContext.Current.CancellationToken); }
        catch (LowPanSystemException x) when (x.Errno == 1) { Assert.Skip("RTM_NEWLINK needs CAP_NET_ADMIN."); }
        var bad = await Assert.ThrowsAsync<LowPanSystemException>(() => Nl802154Client.SetLinkUpAsync(999_999, true, TestContext.Current.CancellationToken));
        Assert.Equal(19, bad.Errno); // ENODEV
        Assert.IsType<NetlinkException>(bad.InnerException, exactMatch: false);
    }
}
