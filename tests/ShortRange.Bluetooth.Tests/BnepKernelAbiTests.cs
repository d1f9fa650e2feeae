using System.Buffers.Binary;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Linux.Netlink;

namespace ShortRange.Bluetooth.Tests;

public class BnepKernelAbiTests
{
    [Fact]
    public void Ioctl_numbers_match_IOW_and_IOR_of_B_with_an_int_size()
    {
        Assert.Equal(0x400442C8u, BnepKernelAbi.BNEPCONNADD);
        Assert.Equal(0x400442C9u, BnepKernelAbi.BNEPCONNDEL);
        Assert.Equal(0x800442D2u, BnepKernelAbi.BNEPGETCONNLIST);
        Assert.Equal(0x800442D3u, BnepKernelAbi.BNEPGETCONNINFO);
        Assert.Equal(0x800442D4u, BnepKernelAbi.BNEPGETSUPPFEAT);
    }

    [Fact]
    public void Connadd_layout_and_the_name_the_kernel_writes_back()
    {
        var b = new byte[BnepKernelAbi.ConnAddSize];
        BnepKernelAbi.WriteConnAdd(b, 17, 1, (ushort)BnepRole.Nap, null);
        Assert.Equal("11000000" + "01000000" + "1611" + new string('0', 32) + "0000", Convert.ToHexString(b));
        "bnep3"u8.CopyTo(b.AsSpan(10));
        Assert.Equal("bnep3", BnepKernelAbi.ReadConnAddDevice(b));
        Assert.Throws<ArgumentException>(() => BnepKernelAbi.WriteConnAdd(b, 1, 0, 0, "sixteen-chars-xx"));
    }

    [Fact]
    public void Conndel_and_conninfo_carry_the_peer_in_display_order()
    {
        var d = new byte[BnepKernelAbi.ConnDelSize];
        BnepKernelAbi.WriteConnDel(d, 0x00AA_BBCC_DDEE);
        Assert.Equal("00000000" + "00AABBCCDDEE" + "0000", Convert.ToHexString(d));

        var ci = new byte[BnepKernelAbi.ConnInfoSize];
        BinaryPrimitives.WriteUInt16LittleEndian(ci.AsSpan(4), 0x1115);
        BinaryPrimitives.WriteUInt16LittleEndian(ci.AsSpan(6), 1);
        Convert.FromHexString("0011223344AA").CopyTo(ci, 8);
        "bnep0"u8.CopyTo(ci.AsSpan(14));
        Assert.Equal(new BnepConnectionInfo(0x0011_2233_44AA, BnepRole.Panu, 1, "bnep0", 0), BnepKernelAbi.ReadConnInfo(ci));
        Assert.Throws<BnepFormatException>(() => BnepKernelAbi.ReadConnInfo(ci.AsSpan(0, 20)));
    }

    [Fact]
    public void A_dellink_with_IFLA_NEW_NETNSID_is_a_move_not_a_removal()
    {
        var w = new NetlinkAttributeWriter();
        var ifi = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(ifi.AsSpan(4), 12);
        w.WriteRaw(ifi);
        w.WriteString(RtNetlinkClient.IFLA_IFNAME, "bnep0");
        var plain = w.ToArray();
        w.WriteUInt32(45, 3); // IFLA_NEW_NETNSID
        var moved = w.ToArray();
        Assert.Equal(new BnepLinkEvent(12, "bnep0", true, false), RtNetlinkPanNetwork.Parse(true, plain));
        Assert.Equal(new BnepLinkEvent(12, "bnep0", true, true), RtNetlinkPanNetwork.Parse(true, moved));
        Assert.Equal(new BnepLinkEvent(12, "bnep0", false, false), RtNetlinkPanNetwork.Parse(false, moved));
    }
}
