using ShortRange.Linux.Netlink;

namespace ShortRange.Linux.Tests.Netlink;

public class NetlinkCodecTests
{
    [Fact]
    public void Attributes_roundtrip_with_alignment_and_nesting()
    {
        var w = new NetlinkAttributeWriter();
        w.WriteString(3, "veth0");      // 4 + 6 = 10 -> padded to 12
        int n = w.BeginNested(18);
        w.WriteString(1, "veth");
        w.WriteUInt32(2, 0xDEADBEEF);
        w.EndNested(n);
        w.WriteByte(7, 9);
        var bytes = w.ToArray();
        Assert.Equal(0, bytes.Length % 4);
        Assert.Equal(10, bytes[0]);

        var seen = new List<string>();
        foreach (var a in new NetlinkAttributeReader(bytes))
        {
            if (a.Type == 3) seen.Add("name=" + a.GetString());
            if (a.Type == 18)
            {
                Assert.True(a.IsNested);
                foreach (var i in a.GetNested())
                    seen.Add(i.Type == 1 ? "kind=" + i.GetString() : "u32=" + i.GetUInt32().ToString("X", System.Globalization.CultureInfo.InvariantCulture));
            }
            if (a.Type == 7) seen.Add("b=" + a.GetByte());
        }
        Assert.Equal(["name=veth0", "kind=veth", "u32=DEADBEEF", "b=9"], seen);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0x00, 1, 0, 0, 0, 0, 0 })]   // nla_len 255 > 8 bytes
    [InlineData(new byte[] { 2, 0, 1, 0 })]                       // nla_len below header
    [InlineData(new byte[] { 4, 0, 1, 0, 9, 9 })]                 // 2 trailing bytes
    public void Hostile_attribute_lengths_throw_typed(byte[] bytes)
    {
        Assert.Throws<NetlinkFormatException>(() =>
        {
            foreach (var a in new NetlinkAttributeReader(bytes)) _ = a.Type;
        });
    }

    [Fact]
    public void Short_attribute_value_throws_typed()
    {
        var w = new NetlinkAttributeWriter().WriteByte(1, 5);
        Assert.Throws<NetlinkFormatException>(() =>
        {
            foreach (var a in new NetlinkAttributeReader(w.WrittenSpan)) _ = a.GetUInt32();
        });
    }

    [Fact]
    public void Messages_roundtrip_and_hostile_length_throws()
    {
        var m1 = new NetlinkMessage(16, 2, 5, 77, new byte[] { 1, 2, 3 });
        var m2 = new NetlinkMessage(3, 2, 5, 77, new byte[] { 0, 0, 0, 0 });
        var datagram = m1.ToBytes().Concat(m2.ToBytes()).ToArray();
        var parsed = NetlinkMessage.ParseDatagram(datagram);
        Assert.Equal(2, parsed.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed[0].Payload.ToArray());
        Assert.Equal((ushort)3, parsed[1].Type);

        datagram[0] = 0xFF; datagram[1] = 0xFF; datagram[2] = 0xFF; datagram[3] = 0x7F;
        Assert.Throws<NetlinkFormatException>(() => NetlinkMessage.ParseDatagram(datagram));
        Assert.Throws<NetlinkFormatException>(() => NetlinkMessage.ParseDatagram(new byte[10]));
    }

    [Fact]
    public void Error_message_carries_extended_ack_text()
    {
        // nlmsgerr { error = -22, msg = capped nlmsghdr } + NLMSGERR_ATTR_MSG "bad thing"
        var w = new NetlinkAttributeWriter();
        w.WriteRaw(BitConverter.GetBytes(-22));
        w.WriteRaw(new NetlinkMessage(16, 5, 1, 0, ReadOnlyMemory<byte>.Empty).ToBytes());
        w.WriteString(NetlinkConstants.NLMSGERR_ATTR_MSG, "bad thing");
        var m = new NetlinkMessage(NetlinkConstants.NLMSG_ERROR, NetlinkConstants.NLM_F_CAPPED | NetlinkConstants.NLM_F_ACK_TLVS, 1, 0, w.ToArray());
        Assert.Equal(-22, NetlinkSocket.ReadError(m, out var text));
        Assert.Equal("bad thing", text);
    }
}
