using System.Diagnostics;
using System.Globalization;
using System.Net;
using ShortRange.LowPan.Capture;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// Wireshark's 6LoWPAN dissector is an independent IPHC implementation: random packets compressed by us must
/// decode there to the same addresses, hop limit, traffic class, flow label and ports.
/// </summary>
public class TsharkCrossCheckTests
{
    [Fact]
    public async Task Random_packets_decode_identically_in_tshark()
    {
        const string tshark = "/usr/bin/tshark";
        Assert.SkipUnless(File.Exists(tshark), "tshark is not installed (apt-get install tshark).");
        var rng = new Random(2026);
        var expected = new List<string>();
        var path = Path.Combine(Path.GetTempPath(), $"lowpan-x-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = new PcapWriter(File.Create(path)))
            {
                for (int i = 0; i < 60; i++)
                {
                    ulong ext = (ulong)rng.NextInt64();
                    var link = new LowPanLink(new LowPanLinkOptions { PanId = 0x1234, ExtendedAddress = ext });
                    var dstMac = (i % 3) switch
                    {
                        0 => MacAddress.Broadcast,
                        1 => MacAddress.FromShort((ushort)rng.Next(0, 0xFFFE)),
                        _ => MacAddress.FromExtended((ulong)rng.NextInt64()),
                    };
                    var src = Address(rng, MacAddress.FromExtended(ext), i);
                    var dst = i % 3 == 0 ? Multicast(rng, i) : Address(rng, dstMac, i + 1);
                    byte hop = new byte[] { 1, 64, 255, 17 }[rng.Next(4)];
                    byte tc = rng.Next(2) == 0 ? (byte)0 : (byte)rng.Next(256);
                    int flow = rng.Next(2) == 0 ? 0 : rng.Next(0x100000);
                    ushort sp = RandomPort(rng), dp = RandomPort(rng);
                    var payload = new byte[rng.Next(0, 30)];
                    rng.NextBytes(payload);
                    var packet = Packets.Udp(src, dst, sp, dp, payload, hop, tc, flow);
                    link.Send(packet, dstMac, f => w.Write(f, DateTimeOffset.UnixEpoch));
                    expected.Add(string.Join('|', new IPAddress(src), new IPAddress(dst), hop, tc, flow, sp, dp));
                }
            }
            var psi = new ProcessStartInfo(tshark, ["-r", path, "-T", "fields", "-E", "separator=|",
                "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "ipv6.hlim", "-e", "ipv6.tclass", "-e", "ipv6.flow", "-e", "udp.srcport", "-e", "udp.dstport"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(p.ExitCode == 0, await stderr);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(expected.Count, lines.Length);
            for (int i = 0; i < lines.Length; i++)
            {
                var f = lines[i].Split('|');
                var actual = string.Join('|', IPAddress.Parse(f[0]), IPAddress.Parse(f[1]), f[2], Hex(f[3]), Hex(f[4]), f[5], f[6]);
                Assert.Equal(expected[i], actual);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long Hex(string s) => s.StartsWith("0x", StringComparison.Ordinal)
        ? long.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : long.Parse(s, CultureInfo.InvariantCulture);

    private static ushort RandomPort(Random r) => (r.Next(3)) switch
    {
        0 => (ushort)(0xF0B0 + r.Next(16)),
        1 => (ushort)(0xF000 + r.Next(256)),
        _ => (ushort)r.Next(1, 65536),
    };

    private static byte[] Address(Random r, MacAddress ll, int i)
    {
        var a = new byte[16];
        switch (i % 4)
        {
            case 0: a[0] = 0xFE; a[1] = 0x80; ll.WriteInterfaceIdentifier(a.AsSpan(8)); break;
            case 1: a[0] = 0xFE; a[1] = 0x80; a[11] = 0xFF; a[12] = 0xFE; a[14] = (byte)r.Next(256); a[15] = (byte)r.Next(256); break;
            case 2: a[0] = 0xFE; a[1] = 0x80; r.NextBytes(a.AsSpan(8)); break;
            default: r.NextBytes(a); a[0] = 0x20; a[1] = 0x01; break;
        }
        return a;
    }

    private static byte[] Multicast(Random r, int i)
    {
        var a = new byte[16];
        a[0] = 0xFF;
        switch (i / 3 % 4)
        {
            case 0: a[1] = 0x02; a[15] = (byte)r.Next(256); break;
            case 1: a[1] = (byte)r.Next(256); r.NextBytes(a.AsSpan(13)); break;
            case 2: a[1] = (byte)r.Next(256); r.NextBytes(a.AsSpan(11)); break;
            default: r.NextBytes(a.AsSpan(1)); break;
        }
        return a;
    }
}
