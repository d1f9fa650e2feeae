using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.SixLowPan.Fragmentation;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests.Resources;

/// <summary>
/// A flood of FRAG1s that never complete (every one a new datagram_tag, from many sources) keeps the reassembly buffers
/// under the configured limits, counts every refused fragment as ReassemblyLimit, and the RFC 4944 timeout frees it all.
/// </summary>
public class FragmentFloodTests
{
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    }

    [Fact]
    public void Incomplete_fragment_flood_stays_under_the_reassembly_limits()
    {
        var time = new ManualTime();
        var options = new LowPanLinkOptions { PanId = LowPanGen.PanId, ExtendedAddress = LowPanGen.Ours.Extended };
        var link = new LowPanLink(options, time);
        int limitBytes = options.Reassembly.MaxBufferedBytes, limitCount = options.Reassembly.MaxConcurrentReassemblies;
        // A real FRAG1 of a 1280-byte datagram (first frame of our own fragmented send), re-tagged and re-sourced per frame.
        byte[]? frag1 = null;
        var sender = new LowPanLink(new LowPanLinkOptions { PanId = LowPanGen.PanId, ExtendedAddress = LowPanGen.Peer.Extended });
        sender.Send(ShortRange.Robustness.Tests.Shared.Packets.Udp(1232), LowPanGen.Ours, f => frag1 ??= f.ToArray());
        Assert.NotNull(frag1);
        var header = MacHeader.Read(frag1, out int headerLength);
        Assert.Equal(0xC0, frag1[headerLength] & 0xF8);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var frame = new byte[frag1.Length];
        const int Flood = 20_000;
        for (int i = 0; i < Flood; i++)
        {
            frag1.CopyTo(frame, 0);
            var h = header with { Source = MacAddress.FromExtended(0x0200_0000_0000_0000UL | (uint)(i % 97)), SequenceNumber = (byte)i };
            h.Write(frame);
            frame[headerLength + 2] = (byte)(i >> 8); // datagram_tag
            frame[headerLength + 3] = (byte)i;
            Assert.Null(link.Receive(frame));
            Assert.InRange(link.BufferedReassemblyBytes, 0, limitBytes);
            Assert.InRange(link.ActiveReassemblies, 0, limitCount);
            if (i % 1000 == 999) time.Advance(TimeSpan.FromSeconds(1)); // the flood lasts 20 s: under the 60 s timeout
        }
        long during = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(limitCount, link.ActiveReassemblies);
        Assert.Equal(Flood - limitCount, link.Drops[DropReason.ReassemblyLimit]);
        Assert.True(during - before < limitBytes + (1 << 20), $"managed heap grew {(during - before) / 1024} KiB under the flood (limit {limitBytes / 1024} KiB buffered)");

        time.Advance(new ReassemblyOptions().Timeout);
        link.ExpireReassemblies();
        Assert.Equal(0, link.ActiveReassemblies);
        Assert.Equal(0, link.BufferedReassemblyBytes);
        Assert.Equal(limitCount, link.Drops[DropReason.ReassemblyTimeout]);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Flood} FRAG1s: {link.Drops[DropReason.ReassemblyLimit]} refused at the limit, peak {limitCount} reassemblies / {limitBytes} B, heap +{(during - before) / 1024} KiB");
    }
}
