using System.Net;
using CsCheck;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Tests;

public class IphcTests
{
    private static readonly MacAddress A = MacAddress.FromExtended(0x0011223344556677);
    private static readonly MacAddress B = MacAddress.FromExtended(0x8899AABBCCDDEEFF);

    [Fact]
    public void Link_local_to_all_nodes_udp_compresses_to_known_bytes()
    {
        // fe80::211:2233:4455:6677 (from A) → ff02::1, hop limit 255, ports 0xF0B1 → 0xF0B2:
        // IPHC 7f 3b (TF=11 NH=1 HLIM=11 | SAM=11 M=1 DAM=11), dst 01, NHC UDP f3 (P=11), ports 12, checksum inline.
        var p = Packets.Udp("fe80::211:2233:4455:6677", "ff02::1", 0xF0B1, 0xF0B2, "hi"u8, hopLimit: 255);
        var buf = new byte[128];
        int n = IphcEncoder.CompressPacket(p, A, MacAddress.Broadcast, null, buf);
        var expected = Packets.Hex("7f3b01f312").Concat(p.AsSpan(46, 2).ToArray()).Concat("hi"u8.ToArray()).ToArray();
        Assert.Equal(expected, buf[..n]);

        var back = new byte[1280];
        int m = IphcDecoder.DecompressPacket(buf.AsSpan(0, n), A, MacAddress.Broadcast, null, back);
        Assert.Equal(p, back[..m]);
    }

    [Fact]
    public void Uncompressible_fields_are_carried_inline()
    {
        var p = Packets.Udp("2001:db8::1", "2001:db8::2", 1234, 5678, "x"u8, hopLimit: 17, trafficClass: 0xB9, flowLabel: 0xABCDE);
        var buf = new byte[128];
        int n = IphcEncoder.CompressPacket(p, A, B, null, buf);
        // TF=00 NH=1 HLIM=00 | SAM=00 DAM=00; 4 TF bytes, hop limit, 16+16, NHC f0 + 4 ports + 2 checksum, payload.
        Assert.Equal(0x64, buf[0]);
        Assert.Equal(0x00, buf[1]);
        Assert.Equal((0xB9 & 3) << 6 | 0xB9 >> 2, buf[2]);
        Assert.Equal(2 + 4 + 1 + 32 + 7 + 1, n);
        var back = new byte[1280];
        Assert.Equal(p, back[..IphcDecoder.DecompressPacket(buf.AsSpan(0, n), A, B, null, back)]);
    }

    [Fact]
    public void Stateful_context_compression_uses_cid_byte()
    {
        var ctx = new ContextTable();
        ctx.Set(3, IPAddress.Parse("2001:db8:1::").GetAddressBytes(), 64);
        var p = Packets.Udp("2001:db8:1::211:2233:4455:6677", "2001:db8:1::ff:fe00:1234", 0xF0B1, 0xF0B2, "hi"u8);
        var buf = new byte[128];
        int n = IphcEncoder.CompressPacket(p, A, MacAddress.FromShort(0x1234), ctx, buf);
        // CID=1 SAC=1 SAM=11 M=0 DAC=1 DAM=11; CID byte 0x33; no inline addresses.
        Assert.Equal(0xF7, buf[1]);
        Assert.Equal(0x33, buf[2]);
        var back = new byte[1280];
        Assert.Equal(p, back[..IphcDecoder.DecompressPacket(buf.AsSpan(0, n), A, MacAddress.FromShort(0x1234), ctx, back)]);
        // Without the context the receiver cannot decompress: a counted UnknownContext drop.
        var e = Assert.Throws<LowPanFormatException>(() => IphcDecoder.DecompressPacket(buf.AsSpan(0, n), A, MacAddress.FromShort(0x1234), null, back));
        Assert.Equal(DropReason.UnknownContext, e.Reason);
    }

    [Fact]
    public void Unspecified_source_uses_sac1_sam00()
    {
        var p = Packets.Icmpv6Echo(new byte[16], IPAddress.Parse("ff02::1:ff00:1").GetAddressBytes(), 1, 1, [], 255);
        var buf = new byte[128];
        int n = IphcEncoder.CompressPacket(p, A, MacAddress.Broadcast, null, buf);
        Assert.Equal(0x40 | 0x08 | 0x01, buf[1]); // SAC=1 SAM=00, M=1 DAM=01 (48 bits)
        var back = new byte[1280];
        Assert.Equal(p, back[..IphcDecoder.DecompressPacket(buf.AsSpan(0, n), A, MacAddress.Broadcast, null, back)]);
    }

    [Fact]
    public void Elided_udp_checksum_is_recomputed()
    {
        var p = Packets.Udp("fe80::211:2233:4455:6677", "fe80::8a99:aabb:ccdd:eeff", 0xF0B1, 0xF0B2, "abc"u8);
        // Hand-made: IPHC 7e 33 (TF=11 NH=1 HLIM=64 | SAM=11 DAM=11), NHC f7 (C=1, P=11), ports 12, no checksum.
        var compressed = Packets.Hex("7e33f712").Concat("abc"u8.ToArray()).ToArray();
        var back = new byte[1280];
        Assert.Equal(p, back[..IphcDecoder.DecompressPacket(compressed, A, B, null, back)]);
    }

    [Fact]
    public void Extension_headers_compress_with_nhc_when_enabled()
    {
        // Hop-by-hop with a PadN filling 8 bytes, then a destination options header of 16 bytes, then UDP.
        byte[] ext = [Ipv6.NextHeaderDestinationOptions, 0, 1, 4, 0, 0, 0, 0,
                      Ipv6.NextHeaderUdp, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var p = Packets.Udp(IPAddress.Parse("fe80::1").GetAddressBytes(), IPAddress.Parse("fe80::2").GetAddressBytes(), 7, 9, "z"u8,
            extensionHeaders: ext, firstNextHeader: Ipv6.NextHeaderHopByHop);
        var buf = new byte[256];
        int n = IphcEncoder.CompressPacket(p, A, B, null, buf, IphcEncoderOptions.CompressExtensionHeaders);
        var back = new byte[1280];
        Assert.Equal(p, back[..IphcDecoder.DecompressPacket(buf.AsSpan(0, n), A, B, null, back)]);
        int plain = IphcEncoder.CompressPacket(p, A, B, null, buf);
        Assert.True(n < plain + 2, $"{n} vs {plain}");
    }

    [Fact]
    public void Decompressor_restores_elided_trailing_padding()
    {
        // NHC HBH (EID 0, NH=1) with 4 option bytes only (RFC 6282 §4.2 allows eliding the trailing PadN), then UDP.
        var compressed = Packets.Hex("7e33 e1 04 05020000 f0 0007 0009 0000").Concat("z"u8.ToArray()).ToArray();
        var back = new byte[1280];
        int n = IphcDecoder.DecompressPacket(compressed, A, B, null, back);
        Assert.Equal(40 + 8 + 8 + 1, n);
        Assert.Equal(Packets.Hex("1100 05020000 0100"), back[40..48]);
        Assert.Equal(Ipv6.NextHeaderHopByHop, back[6]);
    }

    [Theory]
    [InlineData("7e")]
    [InlineData("7e33f7")]
    [InlineData("7e33f0")]
    [InlineData("6000")]
    [InlineData("7e0c")] // M=0 DAC=1 DAM=00 reserved
    [InlineData("7e3e")] // M=1 DAC=1 DAM=10 reserved
    [InlineData("7e33e8")] // NHC EID 4? e8 = EID 4 NH 0 but truncated
    [InlineData("7e33ee0000")] // EID 7 (encapsulated IPv6) unsupported
    [InlineData("7e33c0")] // unknown NHC
    public void Malformed_compressed_headers_throw_format_errors(string hex)
    {
        var back = new byte[1280];
        Assert.Throws<LowPanFormatException>(() => IphcDecoder.DecompressPacket(Packets.Hex(hex), A, B, null, back));
    }

    [Fact]
    public void Elided_address_without_link_layer_address_is_rejected()
    {
        var back = new byte[1280];
        var e = Assert.Throws<LowPanFormatException>(() => IphcDecoder.DecompressPacket(Packets.Hex("7b33 3a"), MacAddress.None, B, null, back));
        Assert.Equal(DropReason.Reserved, e.Reason);
    }

    // ---- property tests ----

    private static readonly Gen<MacAddress> GenMac = Gen.OneOf(
        Gen.UShort.Select(MacAddress.FromShort),
        Gen.ULong.Select(MacAddress.FromExtended));

    /// <summary>Addresses that hit every SAM/DAM row: derived from link layer, short-derived, link-local random, context, global, unspecified, multicast.</summary>
    private static Gen<byte[]> GenAddress(MacAddress ll, bool allowUnspecified, bool allowMulticast) =>
        Gen.Int[0, allowMulticast ? 9 : 5].SelectMany(kind => Gen.Byte.Array[16].Select(r =>
        {
            var a = new byte[16];
            switch (kind)
            {
                case 0: a[0] = 0xFE; a[1] = 0x80; ll.WriteInterfaceIdentifier(a.AsSpan(8)); break;
                case 1: a[0] = 0xFE; a[1] = 0x80; a[11] = 0xFF; a[12] = 0xFE; a[14] = r[0]; a[15] = r[1]; break;
                case 2: a[0] = 0xFE; a[1] = 0x80; r.AsSpan(8).CopyTo(a.AsSpan(8)); break;
                case 3: CtxPrefix(r[0] % 3).CopyTo(a, 0); ll.WriteInterfaceIdentifier(a.AsSpan(8)); CtxFix(a, r[0] % 3); break;
                case 4: CtxPrefix(r[0] % 3).CopyTo(a, 0); r.AsSpan(8).CopyTo(a.AsSpan(8)); CtxFix(a, r[0] % 3); break;
                case 5: r.CopyTo(a, 0); a[0] = (byte)(0x20 | (r[0] & 0x1F)); if (!allowUnspecified) a[15] |= 1; break;
                case 6: a[0] = 0xFF; a[1] = 0x02; a[15] = r[15]; break;
                case 7: a[0] = 0xFF; a[1] = r[1]; a[13] = r[13]; a[14] = r[14]; a[15] = r[15]; break;
                case 8: a[0] = 0xFF; a[1] = r[1]; r.AsSpan(11).CopyTo(a.AsSpan(11)); break;
                default: r.CopyTo(a, 0); a[0] = 0xFF; break;
            }
            if (kind == 5 && allowUnspecified && r[2] < 20) Array.Clear(a);
            return a;
        }));

    private static byte[] CtxPrefix(int i) => i switch
    {
        0 => IPAddress.Parse("2001:db8:aa::").GetAddressBytes(),
        1 => IPAddress.Parse("fd00:1:2:3:4400::").GetAddressBytes(),
        _ => IPAddress.Parse("2001:db8:bb:cc:dd::").GetAddressBytes(),
    };

    // Context 1 has an 72-bit prefix (its bits override the IID), context 2 a 40-bit one (bits 40..63 must be zero).
    private static void CtxFix(byte[] a, int i)
    {
        if (i == 1) a[8] = 0x44;
        if (i == 2) { a[5] = 0; a[6] = 0; a[7] = 0; }
    }

    private static ContextTable Contexts()
    {
        var t = new ContextTable();
        t.Set(0, CtxPrefix(0), 48);
        t.Set(5, CtxPrefix(1), 72);
        t.Set(15, CtxPrefix(2), 40);
        return t;
    }

    [Fact]
    public void Random_udp_and_icmpv6_packets_round_trip_over_every_mode()
    {
        var gen =
            from src in GenMac
            from dst in Gen.OneOf(GenMac, Gen.Const(MacAddress.Broadcast))
            from srcIp in GenAddress(src, true, false)
            from dstIp in GenAddress(dst, false, true)
            from hop in Gen.Int[0, 4].Select(i => new byte[] { 1, 64, 255, 0, 33 }[i])
            from tc in Gen.OneOf(Gen.Const((byte)0), Gen.Byte)
            from flow in Gen.OneOf(Gen.Const(0), Gen.Int[0, 0xFFFFF])
            from sp in Gen.OneOf(Gen.UShort, Gen.UShort[0xF0B0, 0xF0BF], Gen.UShort[0xF000, 0xF0FF])
            from dp in Gen.OneOf(Gen.UShort, Gen.UShort[0xF0B0, 0xF0BF], Gen.UShort[0xF000, 0xF0FF])
            from payload in Gen.Byte.Array[0, 100]
            from icmp in Gen.Bool
            from useCtx in Gen.Bool
            select (src, dst, icmp
                ? Packets.Icmpv6Echo(srcIp, dstIp, sp, dp, payload, hop)
                : Packets.Udp(srcIp, dstIp, sp, dp, payload, hop, tc, flow), useCtx);
        var ctx = Contexts();
        gen.Sample(t =>
        {
            var (src, dst, p, useCtx) = t;
            var table = useCtx ? ctx : null;
            var buf = new byte[256];
            int n = IphcEncoder.CompressPacket(p, src, dst, table, buf);
            Assert.True(n <= p.Length + 2);
            var back = new byte[1280];
            int m = IphcDecoder.DecompressPacket(buf.AsSpan(0, n), src, dst, table, back);
            Assert.Equal(p, back[..m]);
        }, iter: 5000);
    }

    [Fact]
    public void Random_compressed_input_never_escapes_as_anything_but_format_errors()
    {
        var ctx = Contexts();
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            if (bytes.Length > 0) bytes[0] = (byte)(0x60 | (bytes[0] & 0x1F));
            var back = new byte[1280];
            try { IphcDecoder.DecompressPacket(bytes, A, B, ctx, back); }
            catch (LowPanFormatException) { }
        }, iter: 20000);
    }
}
