using System.Buffers.Binary;
using CsCheck;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.Robustness.Tests.Fuzzing;

/// <summary>Structured generators for 802.15.4 frames and IPv6/UDP/ICMPv6 packets in every IPHC-relevant shape.</summary>
internal static class LowPanGen
{
    public const ushort PanId = 0xBEEF;
    public static readonly MacAddress Ours = MacAddress.FromExtended(0x0211223344556677);
    public static readonly MacAddress Peer = MacAddress.FromExtended(0x8A99AABBCCDDEEFF);
    public static readonly byte[] GlobalPrefix = [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static ContextTable Contexts()
    {
        var t = new ContextTable();
        t.Set(0, GlobalPrefix, 64);
        t.Set(1, [0xFD, 0x00, 0x12, 0x34, 0x56, 0x78], 48);
        return t;
    }

    public static readonly Gen<MacAddress> Address = Gen.Frequency(
        (3, Gen.Const(Peer)),
        (2, Gen.Const(Ours)),
        (1, Gen.UShort.Select(MacAddress.FromShort)),
        (1, Gen.Const(MacAddress.Broadcast)),
        (1, Gen.ULong.Select(MacAddress.FromExtended)),
        (1, Gen.Const(MacAddress.None)));

    private static Gen<byte[]> Bytes(int min, int max) => Gen.Byte.Array[min, max];

    /// <summary>IPv6 address shapes that exercise every SAM/DAM/M/DAC row.</summary>
    private static Gen<byte[]> Ipv6Address(MacAddress link) => Gen.OneOf(
        Gen.Const(() => LinkLocal(link)),
        Gen.UShort.Select(s => { var a = LinkLocal(MacAddress.FromShort(s)); return a; }),
        Bytes(8, 8).Select(iid => Concat([0xFE, 0x80, 0, 0, 0, 0, 0, 0], iid)),
        Bytes(8, 8).Select(iid => Concat(GlobalPrefix.AsSpan(0, 8).ToArray(), iid)),
        Bytes(10, 10).Select(rest => Concat([0xFD, 0x00, 0x12, 0x34, 0x56, 0x78], rest)),
        Bytes(16, 16),
        Gen.Const(() => new byte[16]));

    private static readonly Gen<byte[]> Multicast = Gen.OneOf(
        Gen.Byte.Select(b => Concat([0xFF, 0x02], new byte[13], [b])),
        Bytes(4, 4).Select(b => Concat([0xFF, b[0]], new byte[9], b[1..], [0, 0])),
        Bytes(6, 6).Select(b => Concat([0xFF, b[0]], new byte[9], b[1..])),
        Bytes(14, 14).Select(b => Concat([0xFF], [b[0]], b[1..], [0])),
        Bytes(15, 15).Select(b => Concat([0xFF], b)));

    private static byte[] LinkLocal(MacAddress link)
    {
        var a = new byte[16];
        a[0] = 0xFE; a[1] = 0x80;
        if (link.Mode != AddressingMode.None) link.WriteInterfaceIdentifier(a.AsSpan(8));
        return a;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A valid IPv6 packet from <paramref name="src"/> to <paramref name="dst"/>: UDP, ICMPv6 or extension headers + UDP.</summary>
    public static Gen<byte[]> Packet(MacAddress src, MacAddress dst, int maxPayload) =>
        Gen.Select(
            Gen.Select(Ipv6Address(src), Gen.Frequency((3, Ipv6Address(dst)), (1, Multicast)), Gen.Int[0, 3], Gen.Int[0, 0xFFFFF]),
            Gen.Select(Gen.Int[0, 3], Gen.OneOf(Gen.Const(1), Gen.Const(64), Gen.Const(255), Gen.Int[0, 255])),
            Gen.Select(Gen.OneOf(Gen.UShort, Gen.UShort[0xF0B0, 0xF0BF], Gen.UShort[0xF000, 0xF0FF]), Gen.OneOf(Gen.UShort, Gen.UShort[0xF0B0, 0xF0BF], Gen.UShort[0xF000, 0xF0FF])),
            Bytes(0, maxPayload),
            (addr, shape, ports, payload) => BuildPacket(addr.Item1, addr.Item2, addr.Item3, addr.Item4, shape.Item1, shape.Item2, ports.Item1, ports.Item2, payload));

    private static byte[] BuildPacket(byte[] src, byte[] dst, int tcShape, int flow, int nextShape, int hopLimit, ushort sport, ushort dport, byte[] payload)
    {
        var ext = nextShape == 2 ? new byte[] { 17, 0, 1, 4, 0, 0, 0, 0 } : nextShape == 3 ? new byte[] { 17, 0, 1, 2, 0, 0, 1, 0 } : [];
        bool udp = nextShape != 1;
        int upper = udp ? 8 + payload.Length : 8 + payload.Length;
        var p = new byte[40 + ext.Length + upper];
        int tc = tcShape switch { 0 => 0, 1 => 0x03, 2 => 0xB8, _ => flow & 0xFF };
        int fl = tcShape is 0 or 2 ? 0 : flow;
        p[0] = (byte)(0x60 | (tc >> 4));
        p[1] = (byte)(((tc & 0xF) << 4) | (fl >> 16));
        p[2] = (byte)(fl >> 8);
        p[3] = (byte)fl;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(p.Length - 40));
        p[6] = nextShape switch { 2 => Ipv6.NextHeaderHopByHop, 3 => Ipv6.NextHeaderDestinationOptions, 1 => Ipv6.NextHeaderIcmpv6, _ => Ipv6.NextHeaderUdp };
        p[7] = (byte)hopLimit;
        src.CopyTo(p, 8);
        dst.CopyTo(p, 24);
        ext.CopyTo(p, 40);
        var l4 = p.AsSpan(40 + ext.Length);
        if (udp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(l4, sport);
            BinaryPrimitives.WriteUInt16BigEndian(l4[2..], dport);
            BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)l4.Length);
            payload.CopyTo(l4[8..]);
            BinaryPrimitives.WriteUInt16BigEndian(l4[6..], Ipv6.UdpChecksum(src, dst, l4));
        }
        else
        {
            l4[0] = 128; // echo request
            payload.CopyTo(l4[8..]);
            BinaryPrimitives.WriteUInt16BigEndian(l4[2..], Ipv6.UpperLayerChecksum(src, dst, Ipv6.NextHeaderIcmpv6, l4));
        }
        return p;
    }

    public static readonly Gen<IphcEncoderOptions> EncoderOptions = Gen.OneOf(
        Gen.Const(IphcEncoderOptions.Default), Gen.Const(IphcEncoderOptions.NoUdpCompression), Gen.Const(IphcEncoderOptions.CompressExtensionHeaders));

    /// <summary>IPHC-compressed packets (what the decoder sees), with the link addresses used.</summary>
    public static Gen<byte[]> Compressed(int maxPayload = 60) =>
        Gen.Select(Packet(Peer, Ours, maxPayload), EncoderOptions, (packet, options) =>
        {
            var buffer = new byte[packet.Length + 64];
            int n = IphcEncoder.CompressPacket(packet, Peer, Ours, Contexts(), buffer, options);
            return buffer[..n];
        });

    /// <summary>Any MAC frame: every type, version, addressing mode pair, PAN ID compression, security header and payload.</summary>
    public static readonly Gen<byte[]> MacFrameBytes =
        Gen.Select(
            Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Address, Address, Gen.Bool, Gen.Bool, Gen.Bool),
            Gen.Select(Gen.Byte, Gen.UShort, Gen.UShort, Gen.Bool, Gen.Bool),
            Gen.Select(Gen.Bool, Gen.Int[0, 7], Gen.Int[0, 3], Gen.UInt, Gen.ULong, Gen.Byte, Gen.Bool),
            Gen.Select(Bytes(0, 100), Gen.Bool),
            (a, b, s, p) =>
            {
                var (type, version, dst, src, compression, pending, ack) = a;
                var (seq, dpan, span, seqSuppressed, ie) = b;
                var (secure, level, keyMode, counter, keySource, keyIndex, fcSuppressed) = s;
                var (payload, fcs) = p;
                var v = (MacFrameVersion)version;
                if (v != MacFrameVersion.Ieee2015 && compression && (dst.Mode == AddressingMode.None || src.Mode == AddressingMode.None)) compression = false;
                var header = new MacHeader
                {
                    FrameType = (MacFrameType)type,
                    Version = v,
                    FramePending = pending,
                    AckRequest = ack,
                    PanIdCompression = compression,
                    SequenceNumberSuppressed = seqSuppressed && v == MacFrameVersion.Ieee2015,
                    IePresent = ie && v == MacFrameVersion.Ieee2015,
                    SequenceNumber = seq,
                    DestinationPanId = dpan,
                    Destination = dst,
                    SourcePanId = span,
                    Source = src,
                    Security = secure && v != MacFrameVersion.Ieee2003
                        ? new AuxiliarySecurityHeader((SecurityLevel)level, (KeyIdMode)keyMode, counter, keySource, keyIndex, fcSuppressed && v == MacFrameVersion.Ieee2015)
                        : null,
                };
                var buffer = new byte[header.Length + payload.Length + 2];
                int n = MacFrame.Write(header, payload, buffer, fcs);
                return buffer[..n];
            });
}
