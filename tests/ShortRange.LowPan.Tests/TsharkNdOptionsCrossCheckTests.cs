using System.Diagnostics;
using System.Globalization;
using System.Net;
using ShortRange.LowPan.Capture;
using ShortRange.LowPan.SixLowPan.Nd;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// Wireshark's ICMPv6 dissector as the other implementation of the RFC 6775 options: an NS carrying our ARO and an RA
/// carrying our 6CO (64- and 128-bit contexts) and ABRO, written as raw IPv6 (LINKTYPE_IPV6), must decode to the values
/// we gave: ARO status, lifetime, EUI-64; 6CO context length, C flag, CID, lifetime, prefix; ABRO version low/high
/// (RFC 6775 §4.3: low = least significant 16 bits), lifetime, 6LBR address.
/// </summary>
public class TsharkNdOptionsCrossCheckTests
{
    private const string Tshark = "/usr/bin/tshark";
    private const uint LinkTypeIpv6 = 229;

    [Fact]
    public async Task Aro_6co_and_abro_decode_identically_in_tshark()
    {
        Assert.SkipUnless(File.Exists(Tshark), "tshark is not installed (apt-get install tshark).");
        var path = Path.Combine(Path.GetTempPath(), $"nd-x-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = new PcapWriter(File.Create(path), LinkTypeIpv6))
            {
                // NS (type 135): reserved 4, target 16, then the ARO.
                var ns = new byte[4 + 4 + 16 + AddressRegistrationOption.Length];
                ns[0] = 135;
                IPAddress.Parse("2001:db8::1").GetAddressBytes().CopyTo(ns, 8);
                new AddressRegistrationOption(0, 0x1234, 0x0011223344556677).Write(ns.AsSpan(24));
                w.Write(Ipv6Packet(ns), DateTimeOffset.UnixEpoch);

                // RA (type 134): 12 octets of fields after the checksum, then 6CO /64, 6CO /128, ABRO.
                var co64 = new SixLowPanContextOption(64, true, 3, 600, IPAddress.Parse("2001:db8:1:2::").GetAddressBytes());
                var co128 = new SixLowPanContextOption(128, false, 15, 1, IPAddress.Parse("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff").GetAddressBytes());
                var abro = new AuthoritativeBorderRouterOption(0x00020001, 10000, IPAddress.Parse("2001:db8::100").GetAddressBytes());
                var ra = new byte[16 + co64.Length + co128.Length + AuthoritativeBorderRouterOption.Length];
                ra[0] = 134;
                int pos = 16;
                pos += co64.Write(ra.AsSpan(pos));
                pos += co128.Write(ra.AsSpan(pos));
                abro.Write(ra.AsSpan(pos));
                w.Write(Ipv6Packet(ra), DateTimeOffset.UnixEpoch);
            }
            var lines = await TsharkAsync(path,
                "icmpv6.opt.aro.status", "icmpv6.opt.aro.registration_lifetime", "icmpv6.opt.aro.eui64",
                "icmpv6.opt.6co.context_length", "icmpv6.opt.6co.flag.c", "icmpv6.opt.6co.flag.cid", "icmpv6.opt.6co.valid_lifetime",
                "icmpv6.opt.6co.context_prefix", "icmpv6.opt.abro.version_low", "icmpv6.opt.abro.version_high",
                "icmpv6.opt.abro.valid_lifetime", "icmpv6.opt.abro.6lbr_address");
            Assert.Equal(2, lines.Length);
            var ns1 = lines[0].Split('|');
            Assert.Equal(("0", "4660", "00:11:22:33:44:55:66:77"), (ns1[0], ns1[1], ns1[2]));
            var ra1 = lines[1].Split('|');
            Assert.Equal("64,128", ra1[3]);
            Assert.Equal(["1", "0"], ra1[4].Split(',').Select(Flag).ToArray());
            Assert.Equal("3,15", ra1[5]);
            Assert.Equal("600,1", ra1[6]);
            Assert.Equal([IPAddress.Parse("2001:db8:1:2::"), IPAddress.Parse("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff")], ra1[7].Split(',').Select(IPAddress.Parse).ToArray());
            Assert.Equal(("1", "2", "10000"), (ra1[8], ra1[9], ra1[10]));
            Assert.Equal(IPAddress.Parse("2001:db8::100"), IPAddress.Parse(ra1[11]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Flag(string v) => v is "1" or "True" or "true" ? "1" : "0";

    /// <summary>IPv6 header (fe80::1 → ff02::1, hop limit 255, next header 58) around an ICMPv6 message.</summary>
    private static byte[] Ipv6Packet(byte[] icmp)
    {
        var p = new byte[40 + icmp.Length];
        p[0] = 0x60;
        p[4] = (byte)(icmp.Length >> 8);
        p[5] = (byte)icmp.Length;
        p[6] = 58;
        p[7] = 255;
        IPAddress.Parse("fe80::1").GetAddressBytes().CopyTo(p, 8);
        IPAddress.Parse("ff02::1").GetAddressBytes().CopyTo(p, 24);
        icmp.CopyTo(p, 40);
        return p;
    }

    private static async Task<string[]> TsharkAsync(string path, params string[] fields)
    {
        var args = new List<string> { "-r", path, "-T", "fields", "-E", "separator=|", "-E", "aggregator=," };
        foreach (var f in fields) args.AddRange(["-e", f]);
        var psi = new ProcessStartInfo(Tshark, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(p.ExitCode == 0, await stderr);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
