using System.Buffers.Binary;
using ShortRange.Errors;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Nl802154;

namespace ShortRange.LowPan.Tests;

public class Nl802154Tests
{
    [Fact]
    public void Set_pan_id_request_has_the_generic_netlink_layout()
    {
        var req = NetlinkRequestBuilder.Generic(0x1A, Nl802154Command.NL802154_CMD_SET_PAN_ID, 0x5, 7)
            .PutU32(Nl802154Attribute.NL802154_ATTR_IFINDEX, 3).PutLe16(Nl802154Attribute.NL802154_ATTR_PAN_ID, 0xBEEF).Build();
        Assert.Equal(Packets.Hex(
            "24000000 1a00 0500 07000000 00000000" + // nlmsghdr: len 36, type 0x1a, REQUEST|ACK, seq 7, pid 0
            "0a010000" +                             // genlmsghdr: cmd 10, version 1
            "0800 0300 03000000" +                   // IFINDEX u32 3
            "0600 0900 efbe 0000"), req);            // PAN_ID le16 0xbeef, padded
    }

    [Fact]
    public void Interface_dump_reply_parses_le_addresses()
    {
        var msg = NetlinkRequestBuilder.Generic(0x1A, Nl802154Command.NL802154_CMD_NEW_INTERFACE, 0, 1)
            .PutU32(Nl802154Attribute.NL802154_ATTR_IFINDEX, 4).PutString(Nl802154Attribute.NL802154_ATTR_IFNAME, "wpan0")
            .PutU32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, 0).PutU32(Nl802154Attribute.NL802154_ATTR_IFTYPE, 0)
            .PutLe64(Nl802154Attribute.NL802154_ATTR_EXTENDED_ADDR, 0x0011223344556677)
            .PutLe16(Nl802154Attribute.NL802154_ATTR_SHORT_ADDR, 0xFFFE).PutLe16(Nl802154Attribute.NL802154_ATTR_PAN_ID, 0xBEEF)
            .PutU8(Nl802154Attribute.NL802154_ATTR_ACKREQ_DEFAULT, 1).Build();
        var reply = Assert.Single(NetlinkReply.Split(msg));
        var info = Nl802154Client.ParseInterface(NetlinkAttributes.Parse(reply.Payload.AsSpan(4)));
        Assert.Equal(new WpanInterfaceInfo(4, "wpan0", 0, WpanInterfaceType.Node, 0x0011223344556677, 0xFFFE, 0xBEEF, true), info);
    }

    [Fact]
    public void Malformed_netlink_replies_throw_format_errors()
    {
        Assert.Throws<LowPanFormatException>(() => NetlinkReply.Split(Packets.Hex("ff000000 0200 0000 00000000 00000000")));
        Assert.Throws<LowPanFormatException>(() => NetlinkAttributes.Parse(Packets.Hex("ff00 0100 00000000")));
        var err = NetlinkReply.Split(Packets.Hex("14000000 0200 0000 01000000 00000000 feffffff"))[0];
        Assert.Equal(2, err.Errno);
    }

    [Fact]
    public void Set_link_request_sets_iff_up_in_the_change_mask()
    {
        var req = Nl802154Client.BuildSetLink(5, true, 9);
        Assert.Equal(32, req.Length);
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(req.AsSpan(4))); // RTM_NEWLINK
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(req.AsSpan(20)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(req.AsSpan(24)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(req.AsSpan(28)));
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
    }
}
