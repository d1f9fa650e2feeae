using System.Text;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Mqtt;

namespace ShortRange.Gateway.Tests;

public sealed class OutboxTests
{
    [Fact]
    public void A_full_outbox_drops_the_oldest_and_counts_each_drop()
    {
        var dropped = new List<string>();
        var outbox = new MqttOutbox(3, m => dropped.Add(Encoding.ASCII.GetString(m.Payload)));
        for (int i = 0; i < 5; i++) outbox.Enqueue(new OutboundMessage("t", Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(3, outbox.Count);
        Assert.Equal(2, outbox.Dropped);
        Assert.Equal(5, outbox.Enqueued);
        Assert.Equal(["0", "1"], dropped);
        var left = Enumerable.Range(0, 3).Select(_ => Encoding.ASCII.GetString(outbox.ReadAsync(default).AsTask().Result.Payload)).ToList();
        Assert.Equal(["2", "3", "4"], left);
    }

    [Theory]
    [InlineData("shortrange/lowpan/tx/2001:db8::1/5683", true, "2001:db8::1", 5683)]
    [InlineData("shortrange/lowpan/tx/fe80::200:0:0:1/1", true, "fe80::200:0:0:1", 1)]
    [InlineData("shortrange/lowpan/tx/2001:db8::1/0", false, "", 0)]
    [InlineData("shortrange/lowpan/tx/2001:db8::1/65536", false, "", 0)]
    [InlineData("shortrange/lowpan/tx/2001:db8::1/12/extra", false, "", 0)]
    [InlineData("shortrange/lowpan/tx//5683", false, "", 0)]
    [InlineData("other/lowpan/tx/2001:db8::1/5683", false, "", 0)]
    public void Command_topics_name_the_node_and_port(string topic, bool ok, string address, int port)
    {
        var topics = new Topics("shortrange");
        Assert.Equal(ok, topics.TryParseCommand(topic, out string a, out int p));
        if (ok)
        {
            Assert.Equal(address, a);
            Assert.Equal(port, p);
        }
    }

    [Fact]
    public void Topic_levels_never_carry_wildcards_or_separators()
    {
        var topics = new Topics("site/gw1");
        Assert.Equal("site/gw1/discovery/nfc/nfc0_target1_0102", topics.Discovery(Technology.Nfc, "nfc0/target1/0102"));
        Assert.Equal("site/gw1/discovery/bluetooth/00:11:22:33:44:55_(public)", topics.Discovery(Technology.Bluetooth, "00:11:22:33:44:55 (public)"));
        Assert.Equal("a_b_c", Topics.Level("a+b#c"));
    }
}
