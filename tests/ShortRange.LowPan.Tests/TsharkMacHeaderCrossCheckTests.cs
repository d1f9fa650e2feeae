using System.Diagnostics;
using System.Globalization;
using ShortRange.LowPan.Capture;
using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// Wireshark's 802.15.4 dissector is an independent MAC header implementation: every frame version × destination and
/// source addressing mode × PAN ID Compression bit, with and without an Auxiliary Security Header (every key
/// identifier mode, with and without frame counter suppression on 2015 frames), written by us into a pcap, must
/// decode there to the addresses, PAN identifiers (present exactly where our parser finds them), sequence number and
/// security fields we put in.
/// </summary>
public class TsharkMacHeaderCrossCheckTests
{
    private const string Tshark = "/usr/bin/tshark";

    private static readonly string[] Fields =
    [
        "wpan.frame_type", "wpan.version", "wpan.dst_addr_mode", "wpan.src_addr_mode", "wpan.dst_pan", "wpan.dst16", "wpan.dst64",
        "wpan.src_pan", "wpan.src16", "wpan.src64", "wpan.seq_no", "wpan.aux_sec.sec_level", "wpan.aux_sec.key_id_mode",
        "wpan.aux_sec.frame_counter", "wpan.aux_sec.key_source", "wpan.aux_sec.key_index",
    ];

    private static IEnumerable<MacHeader> Combinations()
    {
        var modes = new[] { AddressingMode.None, AddressingMode.Short, AddressingMode.Extended };
        byte seq = 0;
        foreach (var version in new[] { MacFrameVersion.Ieee2003, MacFrameVersion.Ieee2006, MacFrameVersion.Ieee2015 })
        foreach (var dst in modes)
        foreach (var src in modes)
        foreach (bool compression in new[] { false, true })
        {
            bool both = dst != AddressingMode.None && src != AddressingMode.None;
            // Before 2015 a frame carries at least one address and PAN ID Compression only with both (802.15.4-2006 §7.2.1.1.5).
            if (version != MacFrameVersion.Ieee2015 && (dst == AddressingMode.None && src == AddressingMode.None || compression && !both)) continue;
            foreach (var security in Securities(version))
            {
                var (dstPan, srcPan) = MacHeader.PanIdPresence(version, dst, src, compression);
                yield return new MacHeader
                {
                    FrameType = MacFrameType.Data, Version = version, PanIdCompression = compression, SequenceNumber = seq++,
                    DestinationPanId = dstPan ? (ushort)0x1234 : null, Destination = Address(dst, 0xABCD, 0x0011223344556677),
                    SourcePanId = srcPan ? (ushort)0x5678 : null, Source = Address(src, 0x0102, 0x8899AABBCCDDEEFF),
                    Security = security,
                };
            }
        }
    }

    private static IEnumerable<AuxiliarySecurityHeader?> Securities(MacFrameVersion version)
    {
        yield return null;
        if (version == MacFrameVersion.Ieee2003) yield break;
        yield return new AuxiliarySecurityHeader(SecurityLevel.EncMic32, KeyIdMode.Implicit, 0x01020304);
        yield return new AuxiliarySecurityHeader(SecurityLevel.Mic64, KeyIdMode.Index, 0xA0B0C0D0, KeyIndex: 0x11);
        yield return new AuxiliarySecurityHeader(SecurityLevel.EncMic64, KeyIdMode.Source4Index, 7, KeySource: 0xCAFEBABE, KeyIndex: 0x22);
        yield return new AuxiliarySecurityHeader(SecurityLevel.EncMic128, KeyIdMode.Source8Index, 65536, KeySource: 0x0123456789ABCDEF, KeyIndex: 0x33);
        if (version == MacFrameVersion.Ieee2015)
            yield return new AuxiliarySecurityHeader(SecurityLevel.Mic32, KeyIdMode.Index, 0, KeyIndex: 0x44, FrameCounterSuppressed: true);
    }

    private static MacAddress Address(AddressingMode mode, ushort s, ulong e) => mode switch
    {
        AddressingMode.Short => MacAddress.FromShort(s),
        AddressingMode.Extended => MacAddress.FromExtended(e),
        _ => MacAddress.None,
    };

    [Fact]
    public async Task Every_addressing_and_security_combination_decodes_identically_in_tshark()
    {
        Assert.SkipUnless(File.Exists(Tshark), "tshark is not installed (apt-get install tshark).");
        var headers = Combinations().ToList();
        var expected = new List<string>();
        var path = Path.Combine(Path.GetTempPath(), $"mac-x-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var w = new PcapWriter(File.Create(path)))
            {
                var buf = new byte[127];
                foreach (var h in headers)
                {
                    int n = MacFrame.Write(h, new byte[4 + (h.Security?.MicLength ?? 0)], buf);
                    w.Write(buf.AsSpan(0, n), DateTimeOffset.UnixEpoch);
                    var parsed = MacFrame.Parse(buf.AsSpan(0, n)).Header;
                    Assert.Equal(h.DestinationPanId, parsed.DestinationPanId);
                    Assert.Equal(h.SourcePanId, parsed.SourcePanId);
                    expected.Add(Expect(h));
                }
            }
            var args = new List<string> { "-r", path, "-T", "fields", "-E", "separator=|" };
            foreach (var f in Fields) args.AddRange(["-e", f]);
            var psi = new ProcessStartInfo(Tshark, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // Decryption attempts need keys we do not give; tshark still dissects the auxiliary security header.
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(p.ExitCode == 0, await stderr);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(expected.Count, lines.Length);
            for (int i = 0; i < lines.Length; i++)
                Assert.True(expected[i] == Normalise(lines[i]), $"frame {i} ({headers[i].Version}, dst {headers[i].Destination.Mode}, src {headers[i].Source.Mode}, compression {headers[i].PanIdCompression}, security {headers[i].Security}): expected {expected[i]}, tshark {Normalise(lines[i])} (raw: {lines[i]})");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Expect(MacHeader h)
    {
        var ci = CultureInfo.InvariantCulture;
        string Opt(ulong? v) => v is { } x ? x.ToString("x", ci) : "";
        var s = h.Security;
        return string.Join('|',
            1, (int)h.Version, (int)h.Destination.Mode, (int)h.Source.Mode,
            Opt(h.DestinationPanId), h.Destination.Mode == AddressingMode.Short ? Opt(h.Destination.Short) : "",
            h.Destination.Mode == AddressingMode.Extended ? Opt(h.Destination.Extended) : "",
            Opt(h.SourcePanId), h.Source.Mode == AddressingMode.Short ? Opt(h.Source.Short) : "",
            h.Source.Mode == AddressingMode.Extended ? Opt(h.Source.Extended) : "",
            h.SequenceNumber.ToString(ci),
            s is null ? "" : ((int)s.Value.Level).ToString("x", ci), s is null ? "" : ((int)s.Value.KeyIdMode).ToString("x", ci),
            s is null || s.Value.FrameCounterSuppressed ? "" : s.Value.FrameCounter.ToString(ci),
            s is { KeyIdMode: KeyIdMode.Source4Index or KeyIdMode.Source8Index } ? Opt(KeySourceAsTsharkShowsIt(s.Value)) : "",
            s is { KeyIdMode: not KeyIdMode.Implicit } ? Opt(s.Value.KeyIndex) : "");
    }

    /// <summary>
    /// The Key Source is an octet string (802.15.4-2015 §9.4.4.1); we expose it as a number read least significant octet
    /// first, like every other MHR field, while Wireshark shows the same octets as a big-endian number. Same octets, so
    /// compare tshark's number with ours octet-reversed (4 octets for key identifier mode 2, 8 for mode 3).
    /// </summary>
    private static ulong KeySourceAsTsharkShowsIt(AuxiliarySecurityHeader s) => s.KeyIdMode == KeyIdMode.Source4Index
        ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)s.KeySource)
        : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(s.KeySource);

    /// <summary>tshark prints hex fields as 0x…, EUI-64s with colons, decimals as is: bring all to lower-case hex without prefix.</summary>
    private static string Normalise(string line)
    {
        var f = line.Split('|');
        var ci = CultureInfo.InvariantCulture;
        string Hex(string v) => v.Length == 0 ? "" : ulong.Parse(v.StartsWith("0x", StringComparison.Ordinal) ? v[2..] : v, NumberStyles.HexNumber, ci).ToString("x", ci);
        string Eui(string v) => v.Length == 0 ? "" : ulong.Parse(v.Replace(":", "", StringComparison.Ordinal), NumberStyles.HexNumber, ci).ToString("x", ci);
        return string.Join('|',
            Hex(f[0]), f[1], Hex(f[2]), Hex(f[3]), Hex(f[4]), Hex(f[5]), Eui(f[6]), Hex(f[7]), Hex(f[8]), Eui(f[9]), f[10],
            Hex(f[11]), Hex(f[12]), f[13], Hex(f[14]), Hex(f[15]));
    }
}
