using System.Diagnostics;
using ShortRange.LowPan.Capture;
using ShortRange.LowPan.Link;

namespace ShortRange.LowPan.Tests;

public class PcapTests
{
    [Fact]
    public void Pcap_header_and_record_layout()
    {
        using var ms = new MemoryStream();
        using (var w = new PcapWriter(ms, leaveOpen: true))
            w.Write([1, 2, 3], DateTimeOffset.FromUnixTimeMilliseconds(1_500));
        var b = ms.ToArray();
        Assert.Equal(Packets.Hex("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 e6000000 01000000 20a10700 03000000 03000000 010203"), b);
    }

    [Fact]
    public async Task Tshark_decodes_our_frames_without_malformed_packets()
    {
        const string tshark = "/usr/bin/tshark";
        Assert.SkipUnless(File.Exists(tshark), "tshark is not installed (apt-get install tshark).");
        var (a, _) = LinkTests.Pair();
        var path = Path.Combine(Path.GetTempPath(), $"lowpan-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = new PcapWriter(File.Create(path)))
            {
                var now = DateTimeOffset.UtcNow;
                FrameSink sink = f => w.Write(f, now);
                a.Send(Packets.Udp("fe80::211:2233:4455:6677", "ff02::1", 0xF0B1, 0xF0B2, "hello"u8), sink);
                a.Send(Packets.Udp("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 4000, 61616, "unicast"u8), sink);
                a.Send(Packets.Udp("2001:db8::1", "2001:db8::2", 40000, 40001, new byte[1232]), sink);
            }
            var psi = new ProcessStartInfo(tshark, ["-r", path, "-V"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
            string text = await stdout;
            Assert.True(p.ExitCode == 0, await stderr);
            Assert.DoesNotContain("Malformed", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("IEEE 802.15.4", text, StringComparison.Ordinal);
            Assert.Contains("6LoWPAN", text, StringComparison.Ordinal);
            Assert.Contains("fe80::211:2233:4455:6677", text, StringComparison.Ordinal);
            Assert.Contains("ff02::1", text, StringComparison.Ordinal);
            Assert.Contains("fe80::8a99:aabb:ccdd:eeff", text, StringComparison.Ordinal);
            Assert.Contains("Source Port: 61617", text, StringComparison.Ordinal); // 0xF0B1
            Assert.Contains("Destination Port: 61616", text, StringComparison.Ordinal);
            Assert.Contains("Destination Port: 40001", text, StringComparison.Ordinal); // only visible after reassembly
            Assert.Contains("00:11:22:33:44:55:66:77", text, StringComparison.Ordinal);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("KEEP_PCAP") is null) File.Delete(path); else Console.WriteLine(path);
        }
    }
}
