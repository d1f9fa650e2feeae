using CsCheck;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Fragmentation;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Tests;

public class FragmentationTests
{
    private static readonly MacAddress A = MacAddress.FromExtended(0x0011223344556677);
    private static readonly MacAddress B = MacAddress.FromExtended(0x8899AABBCCDDEEFF);

    private sealed class ManualTime : TimeProvider
    {
        public long Ticks;
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public void Advance(TimeSpan t) => Ticks += t.Ticks;
    }

    private static List<byte[]> Fragment(byte[] packet, int maxPayload, ushort tag = 7)
    {
        var lowpan = new byte[packet.Length + 64];
        int h = IphcEncoder.Compress(packet, A, B, null, lowpan, out int consumed);
        packet.AsSpan(consumed).CopyTo(lowpan.AsSpan(h));
        var f = new Fragmenter(lowpan.AsSpan(0, h + packet.Length - consumed), h, consumed, tag, maxPayload);
        var frames = new List<byte[]>();
        var buf = new byte[maxPayload];
        while (f.TryWriteNext(buf, out int n)) frames.Add(buf[..n]);
        return frames;
    }

    [Theory]
    [InlineData(1232, 102)]
    [InlineData(1232, 81)]
    [InlineData(500, 60)]
    [InlineData(100, 104)]
    [InlineData(9, 30)]
    public void Fragments_obey_rfc4944_and_reassemble_in_any_order(int payloadLength, int maxPayload)
    {
        var payload = new byte[payloadLength];
        new Random(payloadLength).NextBytes(payload);
        var packet = Packets.Udp("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 5000, 6000, payload);
        var frames = Fragment(packet, maxPayload);
        Assert.All(frames, f => Assert.True(f.Length <= maxPayload));
        if (frames.Count > 1)
        {
            Assert.Equal(Dispatch.Frag1, frames[0][0] & Dispatch.FragMask);
            int expectedOffset = -1;
            foreach (var f in frames.Skip(1))
            {
                var h = FragmentHeader.Read(f);
                Assert.False(h.IsFirst);
                Assert.Equal(packet.Length, h.DatagramSize);
                Assert.True(h.ByteOffset > expectedOffset);
                expectedOffset = h.ByteOffset;
            }
            // every FRAGN but the last carries a multiple of 8 bytes
            foreach (var f in frames.Skip(1).SkipLast(1)) Assert.Equal(0, (f.Length - 5) % 8);
        }
        var rng = new Random(maxPayload);
        foreach (var order in new[] { frames, frames.OrderBy(_ => rng.Next()).ToList(), Enumerable.Reverse(frames).ToList() })
        {
            if (frames.Count == 1)
            {
                var back = new byte[1280];
                Assert.Equal(packet, back[..IphcDecoder.DecompressPacket(frames[0], A, B, null, back)]);
                continue;
            }
            var r = new Reassembler();
            byte[]? result = null;
            for (int i = 0; i < order.Count; i++)
            {
                result = r.Add(order[i], A, B, null);
                Assert.Equal(i == order.Count - 1, result is not null);
            }
            Assert.Equal(packet, result);
            Assert.Equal(0, r.ActiveReassemblies);
            Assert.Equal(0, r.BufferedBytes);
        }
    }

    [Fact]
    public void Duplicate_fragments_are_dropped_and_conflicting_ones_restart_the_reassembly()
    {
        var packet = Packets.Udp("fe80::1", "fe80::2", 1, 2, new byte[300]);
        var frames = Fragment(packet, 100);
        var r = new Reassembler();
        var drops = new List<DropReason>();
        Assert.Null(r.Add(frames[1], A, B, null, drops.Add));
        Assert.Null(r.Add(frames[0], A, B, null, drops.Add));
        // exact duplicates (a MAC retransmission whose ACK was lost) are dropped, the reassembly goes on
        Assert.Equal(DropReason.FragmentOverlap, Assert.Throws<LowPanFormatException>(() => r.Add(frames[1], A, B, null, drops.Add)).Reason);
        Assert.Equal(DropReason.FragmentOverlap, Assert.Throws<LowPanFormatException>(() => r.Add(frames[0], A, B, null, drops.Add)).Reason);
        Assert.Empty(drops);
        // a FRAGN shifted by 8 bytes overlaps frames[1] without matching it: RFC 4944 §5.3 discards what was buffered
        // and starts afresh with the newcomer
        var shifted = (byte[])frames[2].Clone();
        shifted[4]--;
        Assert.Null(r.Add(shifted, A, B, null, drops.Add));
        Assert.Equal([DropReason.FragmentMismatch], drops);
        Assert.Equal(1, r.Conflicts);
        Assert.Equal(1, r.ActiveReassemblies);
        Assert.Equal(packet.Length, r.BufferedBytes);
        // the real frames[1] conflicts with the shifted one in turn (second restart); then the datagram completes cleanly
        foreach (var f in frames.Skip(1)) Assert.Null(r.Add(f, A, B, null, drops.Add));
        var result = r.Add(frames[0], A, B, null, drops.Add);
        Assert.Equal(packet, result);
        Assert.Equal(2, r.Conflicts);
        Assert.Equal(0, r.ActiveReassemblies);
        Assert.Equal(0, r.BufferedBytes);
    }

    [Fact]
    public void Reused_tag_after_a_lost_fragment_never_mixes_two_datagrams()
    {
        // Two different datagrams of the same size from the same sender with the same datagram_tag (the 16-bit tag wrapped,
        // or the sender restarted): the first lost its last fragment, so its reassembly is still open.
        var first = Packets.Udp("fe80::1", "fe80::2", 1, 2, Enumerable.Repeat((byte)0xAA, 300).ToArray());
        var second = Packets.Udp("fe80::1", "fe80::2", 1, 2, Enumerable.Repeat((byte)0x55, 300).ToArray());
        var f1 = Fragment(first, 100, tag: 9);
        var f2 = Fragment(second, 100, tag: 9);
        Assert.Equal(f1.Count, f2.Count);
        var r = new Reassembler();
        var drops = new List<DropReason>();
        foreach (var f in f1.SkipLast(1)) Assert.Null(r.Add(f, A, B, null, drops.Add));

        byte[]? result = null;
        foreach (var f in f2) result = r.Add(f, A, B, null, drops.Add);
        Assert.Equal(second, result);
        Assert.Equal([DropReason.FragmentMismatch], drops);
        Assert.Equal(0, r.ActiveReassemblies);

        // The same with the second datagram's FRAG1 lost: its FRAGNs restart the reassembly, which then never completes
        // with the first datagram's bytes and expires instead.
        foreach (var f in f1.SkipLast(1)) r.Add(f, A, B, null, drops.Add);
        foreach (var f in f2.Skip(1)) Assert.Null(r.Add(f, A, B, null, drops.Add));
        Assert.Equal(1, r.ActiveReassemblies);
    }

    [Fact]
    public void Out_of_range_and_oversized_datagrams_are_dropped()
    {
        var r = new Reassembler();
        byte[] beyond = [0xE0 | 0, 100, 0, 1, 13, 1, 2, 3, 4, 5, 6, 7, 8]; // size 100, offset 104
        Assert.Equal(DropReason.FragmentOutOfRange, Assert.Throws<LowPanFormatException>(() => r.Add(beyond, A, B, null)).Reason);
        byte[] tooBig = [0xE0 | 0x06, 0x00, 0, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8]; // size 1536 > 1280
        Assert.Equal(DropReason.FragmentOutOfRange, Assert.Throws<LowPanFormatException>(() => r.Add(tooBig, A, B, null)).Reason);
        byte[] tiny = [0xE0, 8, 0, 1, 0, 1]; // size 8 < 40
        Assert.Equal(DropReason.FragmentOutOfRange, Assert.Throws<LowPanFormatException>(() => r.Add(tiny, A, B, null)).Reason);
        byte[] empty = [0xE0, 100, 0, 1, 1];
        Assert.Equal(DropReason.Truncated, Assert.Throws<LowPanFormatException>(() => r.Add(empty, A, B, null)).Reason);
        byte[] truncated = [0xC0, 100];
        Assert.Equal(DropReason.Truncated, Assert.Throws<LowPanFormatException>(() => r.Add(truncated, A, B, null)).Reason);
        Assert.Equal(0, r.ActiveReassemblies);
    }

    [Fact]
    public void Flood_of_frag1_that_never_complete_is_bounded_and_expires_after_60_seconds()
    {
        var time = new ManualTime();
        var options = new ReassemblyOptions { MaxConcurrentReassemblies = 4, MaxBufferedBytes = 3000 };
        var r = new Reassembler(options, time);
        var packet = Packets.Udp("fe80::1", "fe80::2", 1, 2, new byte[1000]);
        var first = Fragment(packet, 100)[0];
        int limited = 0;
        for (ushort tag = 0; tag < 1000; tag++)
        {
            first[2] = (byte)(tag >> 8);
            first[3] = (byte)tag;
            try { r.Add(first, A, B, null); }
            catch (LowPanFormatException e) when (e.Reason == DropReason.ReassemblyLimit) { limited++; }
            Assert.True(r.BufferedBytes <= options.MaxBufferedBytes);
        }
        Assert.Equal(2, r.ActiveReassemblies); // 2 × 1048 bytes fit in 3000
        Assert.Equal(998, limited);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, r.ExpireStale());
        time.Advance(TimeSpan.FromSeconds(1));
        var reasons = new List<DropReason>();
        Assert.Equal(2, r.ExpireStale(reasons.Add));
        Assert.All(reasons, x => Assert.Equal(DropReason.ReassemblyTimeout, x));
        Assert.Equal(0, r.ActiveReassemblies);
        Assert.Equal(0, r.BufferedBytes);
        Assert.Equal(2, r.TimedOut);
    }

    [Fact]
    public void Random_fragments_never_escape_as_anything_but_format_errors_and_stay_bounded()
    {
        var options = new ReassemblyOptions { MaxBufferedBytes = 5000, MaxConcurrentReassemblies = 8 };
        var r = new Reassembler(options);
        var rng = new Random(99);
        var buf = new byte[120];
        for (int i = 0; i < 20000; i++)
        {
            rng.NextBytes(buf);
            buf[0] = (byte)((i & 1) == 0 ? 0xC0 | (buf[0] & 7) : 0xE0 | (buf[0] & 7));
            buf[1] &= 0x7F; // sizes up to 1151 so many are accepted
            try { r.Add(buf.AsSpan(0, rng.Next(0, buf.Length)), A, B, null); }
            catch (LowPanFormatException) { }
            Assert.True(r.BufferedBytes <= options.MaxBufferedBytes);
            Assert.True(r.ActiveReassemblies <= options.MaxConcurrentReassemblies);
        }
    }

    [Fact]
    public void Property_any_size_and_frame_capacity_reassembles_in_any_order()
    {
        var gen = from size in Gen.Int[0, 1232]
                  from cap in Gen.Int[60, 116]
                  from seed in Gen.Int
                  from global in Gen.Bool
                  select (size, cap, seed, global);
        gen.Sample(t =>
        {
            var payload = new byte[t.size];
            new Random(t.seed).NextBytes(payload);
            var packet = t.global
                ? Packets.Udp("2001:db8::1", "2001:db8::2", 1000, 2000, payload)
                : Packets.Udp("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 0xF0B1, 0xF0B2, payload);
            var frames = Fragment(packet, t.cap, (ushort)t.seed);
            Assert.All(frames, f => Assert.True(f.Length <= t.cap));
            if (frames.Count == 1) return;
            var rng = new Random(t.seed);
            var r = new Reassembler();
            byte[]? result = null;
            foreach (var f in frames.OrderBy(_ => rng.Next())) result = r.Add(f, A, B, null) ?? result;
            Assert.Equal(packet, result);
        }, iter: 300);
    }

    [Fact]
    public void Fragment_header_known_bytes()
    {
        var b = new byte[5];
        new FragmentHeader(false, 1280, 0xABCD, 13).Write(b);
        Assert.Equal(Packets.Hex("e500abcd0d"), b);
        Assert.Equal(new FragmentHeader(false, 1280, 0xABCD, 13), FragmentHeader.Read(b));
        new FragmentHeader(true, 1280, 0x0102, 0).Write(b);
        Assert.Equal(Packets.Hex("c5000102"), b[..4]);
    }
}
