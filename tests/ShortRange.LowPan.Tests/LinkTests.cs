using System.Net;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.SixLowPan;

namespace ShortRange.LowPan.Tests;

/// <summary>Two <see cref="LowPanLink"/>s joined by an in-memory medium.</summary>
public class LinkTests
{
    internal static (LowPanLink A, LowPanLink B) Pair(ushort pan = 0xBEEF)
    {
        var a = new LowPanLink(new LowPanLinkOptions { PanId = pan, ExtendedAddress = 0x0011223344556677 });
        var b = new LowPanLink(new LowPanLinkOptions { PanId = pan, ExtendedAddress = 0x8899AABBCCDDEEFF, ShortAddress = 0x0042 });
        return (a, b);
    }

    private static List<byte[]> Capture(Func<FrameSink, int> send)
    {
        var frames = new List<byte[]>();
        send(f => frames.Add(f.ToArray()));
        return frames;
    }

    [Theory]
    [InlineData("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 8)]
    [InlineData("fe80::211:2233:4455:6677", "ff02::1", 8)]
    [InlineData("2001:db8::1", "2001:db8::8a99:aabb:ccdd:eeff", 8)]
    [InlineData("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 1232)]
    [InlineData("2001:db8::1", "2001:db8::2", 1232)]
    public void Udp_datagrams_cross_the_link_unchanged(string src, string dst, int size)
    {
        var (a, b) = Pair();
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        var packet = Packets.Udp(src, dst, 5683, 61616, payload);
        var dstMac = dst.StartsWith("ff", StringComparison.Ordinal) ? MacAddress.Broadcast : MacAddress.FromExtended(0x8899AABBCCDDEEFF);
        Assert.Equal(dstMac, a.Resolve(IPAddress.Parse(dst).GetAddressBytes()) is var r && dst.EndsWith("::2", StringComparison.Ordinal) ? dstMac : r);
        var frames = Capture(sink => a.Send(packet, dstMac, sink));
        Assert.Equal(size > 80, frames.Count > 1);
        Assert.All(frames, f => Assert.True(f.Length <= LowPanLinkOptions.MaxFrameLength));
        byte[]? received = null;
        foreach (var f in frames) received = b.Receive(f) ?? received;
        Assert.Equal(packet, received);
        Assert.Equal(0, b.Drops.Total);
    }

    [Fact]
    public void Frames_for_other_pans_or_addresses_are_dropped_as_not_for_us()
    {
        var (a, _) = Pair();
        var other = new LowPanLink(new LowPanLinkOptions { PanId = 0x1234, ExtendedAddress = 0x8899AABBCCDDEEFF });
        var third = new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x1 });
        var packet = Packets.Udp("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 1, 2, "x"u8);
        foreach (var f in Capture(sink => a.Send(packet, sink)))
        {
            Assert.Null(other.Receive(f));
            Assert.Null(third.Receive(f));
        }
        Assert.Equal(1, other.Drops[DropReason.NotForUs]);
        Assert.Equal(1, third.Drops[DropReason.NotForUs]);
    }

    [Fact]
    public void Neighbor_solicitation_for_our_address_is_answered_with_tllao_and_learned()
    {
        var (a, b) = Pair();
        // a solicits b's link-local address from its own link-local address (sent to the solicited-node group).
        var ns = NeighborSolicitation(a.LinkLocalAddress, IPAddress.Parse("ff02::1:ffdd:eeff").GetAddressBytes(), b.LinkLocalAddress, 0x0011223344556677);
        var replies = new List<byte[]>();
        byte[]? delivered = null;
        foreach (var f in Capture(sink => a.Send(ns, sink))) delivered = b.Receive(f, x => replies.Add(x.ToArray()));
        Assert.Null(delivered);
        Assert.Single(replies);
        var na = a.Receive(replies[0]);
        Assert.NotNull(na);
        Assert.Equal(136, na[40]);
        Assert.Equal(0, Ipv6.UpperLayerChecksum(na.AsSpan(8, 16), na.AsSpan(24, 16), Ipv6.NextHeaderIcmpv6, na.AsSpan(40)));
        Assert.True(a.Neighbours.TryGet(b.LinkLocalAddress, out var mac));
        Assert.Equal(MacAddress.FromExtended(0x8899AABBCCDDEEFF), mac);
        // b learned a from the frame that carried the NS
        Assert.True(b.Neighbours.TryGet(a.LinkLocalAddress, out var macA));
        Assert.Equal(MacAddress.FromExtended(0x0011223344556677), macA);
    }

    [Fact]
    public void Garbage_frames_and_fragment_floods_never_throw_and_stay_bounded()
    {
        var (_, b) = Pair();
        var rng = new Random(5);
        var buf = new byte[125];
        var frame = new byte[125];
        for (int i = 0; i < 20000; i++)
        {
            rng.NextBytes(buf);
            var header = new MacHeader
            {
                FrameType = MacFrameType.Data, PanIdCompression = true, DestinationPanId = 0xBEEF,
                Destination = MacAddress.Broadcast, Source = MacAddress.FromShort((ushort)i), SequenceNumber = (byte)i,
            };
            // Bias the first payload byte towards real dispatches.
            buf[0] = (i % 4) switch { 0 => (byte)(0xC0 | (buf[0] & 7)), 1 => (byte)(0xE0 | (buf[0] & 7)), 2 => (byte)(0x60 | (buf[0] & 0x1F)), _ => buf[0] };
            int n = MacFrame.Write(header, buf.AsSpan(0, rng.Next(0, 110)), frame);
            b.Receive(frame.AsSpan(0, rng.Next(0, n + 1)));
            Assert.True(b.BufferedReassemblyBytes <= b.Options.Reassembly.MaxBufferedBytes);
        }
        Assert.True(b.Drops.Total > 10000);
    }

    [Fact]
    public void Neighbours_heard_are_reported()
    {
        var (a, b) = Pair();
        var heard = new List<NeighbourSighting>();
        b.NeighbourHeard += heard.Add;
        foreach (var f in Capture(sink => a.Send(Packets.Udp("fe80::211:2233:4455:6677", "ff02::1", 1, 2, "x"u8), sink))) b.Receive(f, lqi: 200);
        var s = Assert.Single(heard);
        Assert.Equal(MacAddress.FromExtended(0x0011223344556677), s.Source);
        Assert.Equal((ushort)0xBEEF, s.PanId);
        Assert.Equal((byte)200, s.Lqi);
    }

    internal static byte[] NeighborSolicitation(byte[] src, byte[] dst, byte[] target, ulong sourceEui64)
    {
        var icmp = new byte[24 + 16];
        icmp[0] = 135;
        target.CopyTo(icmp, 8);
        icmp[24] = 1;
        icmp[25] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(icmp.AsSpan(26), sourceEui64);
        var p = new byte[40 + icmp.Length];
        p[0] = 0x60;
        p[5] = (byte)icmp.Length;
        p[6] = Ipv6.NextHeaderIcmpv6;
        p[7] = 255;
        src.CopyTo(p, 8);
        dst.CopyTo(p, 24);
        icmp.CopyTo(p, 40);
        var c = Ipv6.UpperLayerChecksum(src, dst, Ipv6.NextHeaderIcmpv6, p.AsSpan(40));
        p[42] = (byte)(c >> 8);
        p[43] = (byte)c;
        return p;
    }
}
