using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using ShortRange.LowPan.Capture;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// Wireshark's 6LoWPAN dissector as the other implementation of the RFC 4944 mesh header (short, extended and deep
/// hops-left forms) and LOWPAN_BC0, and of RFC 6282 §4.2 NHC for IPv6 extension headers: frames we build must decode
/// there to the mesh addresses, hops left, broadcast sequence, the Hop-by-Hop header's EID and the UDP datagram we sent.
/// </summary>
public class TsharkMeshNhcCrossCheckTests
{
    private const string Tshark = "/usr/bin/tshark";

    [Fact]
    public async Task Mesh_bc0_and_extension_header_nhc_decode_identically_in_tshark()
    {
        Assert.SkipUnless(File.Exists(Tshark), "tshark is not installed (apt-get install tshark).");
        var cases = new (int Hops, MacAddress Originator, MacAddress Final, byte Sequence)[]
        {
            (5, MacAddress.FromShort(0x0102), MacAddress.FromShort(0x0304), 7),
            (14, MacAddress.FromExtended(0x1122334455667788), MacAddress.FromExtended(0x99AABBCCDDEEFF00), 200),
            (20, MacAddress.FromShort(0x0A0B), MacAddress.FromExtended(0x0011223344556677), 0), // deep hops left (0xF + octet)
        };
        var expected = new List<string>();
        var path = Path.Combine(Path.GetTempPath(), $"mesh-x-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = new PcapWriter(File.Create(path)))
            {
                for (int i = 0; i < cases.Length; i++)
                {
                    var (hops, orig, final, seq) = cases[i];
                    var payload = new byte[] { 0xC0, 0xFF, 0xEE, (byte)i };
                    var packet = WithHopByHop(Packets.Udp("2001:db8::a1b2:c3d4:e5f6:1", "2001:db8::9988:7766:5544:2", 61617, 5683, payload));
                    var frame = new byte[127];
                    var header = new MacHeader
                    {
                        FrameType = MacFrameType.Data, Version = MacFrameVersion.Ieee2006, PanIdCompression = true, SequenceNumber = (byte)i,
                        DestinationPanId = 0x1234, Destination = MacAddress.Broadcast, Source = MacAddress.FromShort(0x0001),
                    };
                    var lowpan = new byte[120];
                    int n = new MeshHeader(hops, orig, final).Write(lowpan);
                    n += BroadcastHeader.Write(seq, lowpan.AsSpan(n));
                    n += IphcEncoder.CompressPacket(packet, orig, final, null, lowpan.AsSpan(n), IphcEncoderOptions.CompressExtensionHeaders);
                    int len = MacFrame.Write(header, lowpan.AsSpan(0, n), frame);
                    w.Write(frame.AsSpan(0, len), DateTimeOffset.UnixEpoch);
                    expected.Add(string.Join('|', hops, Addr(orig), Addr(final), seq, 0 /* EID 0: Hop-by-Hop */,
                        "2001:db8::a1b2:c3d4:e5f6:1", "2001:db8::9988:7766:5544:2", 61617, 5683,
                        // tshark lists the Hop-by-Hop PadN option (type 1, length 4, zeros) as data, then the UDP payload.
                        "010400000000," + Convert.ToHexStringLower(payload)));
                }
            }
            var psi = new ProcessStartInfo(Tshark, ["-r", path, "-d", "udp.port==5683,data", "-T", "fields", "-E", "separator=|",
                "-e", "6lowpan.mesh.hops", "-e", "6lowpan.mesh.hops8", "-e", "6lowpan.mesh.orig16", "-e", "6lowpan.mesh.orig64",
                "-e", "6lowpan.mesh.dest16", "-e", "6lowpan.mesh.dest64", "-e", "6lowpan.bcast.seqnum", "-e", "6lowpan.nhc.ext.eid",
                "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "data.data"])
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
                string hops = f[1].Length > 0 ? f[1] : Num(f[0]).ToString(CultureInfo.InvariantCulture); // deep form: hops8
                var actual = string.Join('|', hops, f[2].Length > 0 ? Num(f[2]).ToString("x", CultureInfo.InvariantCulture) : Num(f[3]).ToString("x", CultureInfo.InvariantCulture),
                    f[4].Length > 0 ? Num(f[4]).ToString("x", CultureInfo.InvariantCulture) : Num(f[5]).ToString("x", CultureInfo.InvariantCulture),
                    f[6], Num(f[7]), IPAddress.Parse(f[8]), IPAddress.Parse(f[9]), f[10], f[11], f[12].Replace(":", "", StringComparison.Ordinal));
                Assert.True(expected[i] == actual, $"frame {i}: expected {expected[i]}, tshark {actual} (raw {lines[i]})");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Addr(MacAddress a) => (a.Mode == AddressingMode.Short ? a.Short : a.Extended).ToString("x", CultureInfo.InvariantCulture);

    private static ulong Num(string v) => v.StartsWith("0x", StringComparison.Ordinal)
        ? ulong.Parse(v.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : ulong.Parse(v, CultureInfo.InvariantCulture);

    /// <summary>Inserts an 8-octet Hop-by-Hop Options header (one PadN option) between the IPv6 header and UDP.</summary>
    private static byte[] WithHopByHop(byte[] udpPacket)
    {
        var p = new byte[udpPacket.Length + 8];
        udpPacket.AsSpan(0, 40).CopyTo(p);
        p[6] = 0; // Next Header: Hop-by-Hop
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(udpPacket.Length - 40 + 8));
        p[40] = 17; // next: UDP
        p[41] = 0; // Hdr Ext Len: 8 octets in all
        p[42] = 1; // PadN
        p[43] = 4; // four zero octets
        udpPacket.AsSpan(40).CopyTo(p.AsSpan(48));
        return p;
    }
}
