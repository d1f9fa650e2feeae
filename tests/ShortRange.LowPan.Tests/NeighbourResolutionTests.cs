using System.Net;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.SixLowPan;

namespace ShortRange.LowPan.Tests;

/// <summary>RFC 4861 §7.2.2 address resolution in <see cref="LowPanLink"/> (NeighbourDiscovery on).</summary>
public class NeighbourResolutionTests
{
    private static readonly byte[] Global = IPAddress.Parse("2001:db8:15::1").GetAddressBytes();
    private static readonly byte[] RemoteGlobal = IPAddress.Parse("2001:db8:15::99").GetAddressBytes();

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan t) => _now += t;
    }

    private static (LowPanLink A, LowPanLink B) Pair(TimeProvider? time = null)
    {
        var a = new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x0011223344556677, NeighbourDiscovery = true }, time);
        var bo = new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x8899AABBCCDDEEFF };
        bo.Addresses.Add(RemoteGlobal);
        return (a, new LowPanLink(bo, time));
    }

    [Fact]
    public void Unknown_global_destination_is_solicited_then_the_packet_follows_the_advertisement()
    {
        var (a, b) = Pair();
        var packet = Packets.Udp(Global, RemoteGlobal, 1000, 2000, "held"u8);
        var frames = new List<byte[]>();
        a.Send(packet, f => frames.Add(f.ToArray()));
        var ns = Assert.Single(frames);
        Assert.Equal(1, a.PendingResolutions);

        // The NS: broadcast frame, ICMPv6 135 from our link-local to ff02::1:ff00:99 for the target, SLLAO = our EUI-64.
        var replies = new List<byte[]>();
        Assert.Null(b.Receive(ns, f => replies.Add(f.ToArray())));
        var na = Assert.Single(replies);
        Assert.True(b.Neighbours.TryGet(a.LinkLocalAddress, out var learnedByB));
        Assert.Equal(MacAddress.FromExtended(0x0011223344556677), learnedByB);

        // The NA resolves the destination; the held packet goes out through the receive path's sink.
        var flushed = new List<byte[]>();
        var delivered = a.Receive(na, f => flushed.Add(f.ToArray()));
        Assert.NotNull(delivered);
        Assert.Equal(136, delivered[40]);
        Assert.Equal(0, a.PendingResolutions);
        var data = Assert.Single(flushed);
        Assert.Equal(packet, b.Receive(data));
        Assert.True(a.Neighbours.TryGet(RemoteGlobal, out var mac));
        Assert.Equal(MacAddress.FromExtended(0x8899AABBCCDDEEFF), mac);

        // Known now: the next packet goes straight out.
        frames.Clear();
        a.Send(packet, f => frames.Add(f.ToArray()));
        Assert.Equal(packet, b.Receive(Assert.Single(frames)));
    }

    [Fact]
    public void Solicitation_bytes_follow_rfc_4861()
    {
        var (a, _) = Pair();
        var frames = new List<byte[]>();
        a.Send(Packets.Udp(Global, RemoteGlobal, 1, 2, "x"u8), f => frames.Add(f.ToArray()));
        var frame = MacFrame.Parse(Assert.Single(frames));
        Assert.True(frame.Header.Destination.IsBroadcast);
        var sniffer = new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x1 });
        var ns = sniffer.Receive(frames[0]);
        Assert.NotNull(ns);
        Assert.Equal(255, ns[7]);
        Assert.Equal(a.LinkLocalAddress, ns[8..24]);
        Assert.Equal(IPAddress.Parse("ff02::1:ff00:99").GetAddressBytes(), ns[24..40]);
        Assert.Equal((byte)135, ns[40]);
        Assert.Equal(RemoteGlobal, ns[48..64]);
        Assert.Equal(Packets.Hex("0102 0011223344556677"), ns[64..74]);
        Assert.Equal(0, Ipv6.UpperLayerChecksum(ns.AsSpan(8, 16), ns.AsSpan(24, 16), Ipv6.NextHeaderIcmpv6, ns.AsSpan(40)));
    }

    [Fact]
    public void Link_local_and_multicast_destinations_are_never_solicited()
    {
        var (a, _) = Pair();
        var frames = new List<byte[]>();
        a.Send(Packets.Udp(a.LinkLocalAddress, IPAddress.Parse("fe80::8a99:aabb:ccdd:eeff").GetAddressBytes(), 1, 2, "x"u8), f => frames.Add(f.ToArray()));
        a.Send(Packets.Udp(a.LinkLocalAddress, IPAddress.Parse("ff02::1").GetAddressBytes(), 1, 2, "x"u8), f => frames.Add(f.ToArray()));
        Assert.Equal(2, frames.Count);
        Assert.Equal(MacAddress.FromExtended(0x8899AABBCCDDEEFF), MacFrame.Parse(frames[0]).Header.Destination);
        Assert.Equal(0, a.PendingResolutions);
    }

    [Fact]
    public void Unanswered_resolution_is_bounded_and_expires_with_counted_drops()
    {
        var time = new ManualClock();
        var (a, _) = Pair(time);
        var frames = new List<byte[]>();
        for (int i = 0; i < 5; i++) a.Send(Packets.Udp(Global, RemoteGlobal, 1, 2, "x"u8), f => frames.Add(f.ToArray()));
        Assert.Single(frames); // one NS; RETRANS_TIMER (1 s) has not passed
        Assert.Equal(2, a.Drops[DropReason.NeighbourUnresolved]); // queue of 3: the two oldest went
        time.Advance(TimeSpan.FromSeconds(1));
        a.Send(Packets.Udp(Global, RemoteGlobal, 1, 2, "x"u8), f => frames.Add(f.ToArray()));
        Assert.Equal(2, frames.Count); // retransmitted NS
        for (int i = 0; i < 40; i++)
        {
            var d = (byte[])RemoteGlobal.Clone();
            d[14] = (byte)i;
            a.Send(Packets.Udp(Global, d, 1, 2, "x"u8), _ => { });
        }
        Assert.Equal(16, a.PendingResolutions);
        time.Advance(TimeSpan.FromSeconds(3));
        a.ExpireReassemblies();
        Assert.Equal(0, a.PendingResolutions);
        Assert.Equal(3 + 40 + 3, a.Drops[DropReason.NeighbourUnresolved]);
    }
}
