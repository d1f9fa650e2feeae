using System.Buffers.Binary;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>
/// LOWPAN_IPHC compressor (RFC 6282 §3) with LOWPAN_NHC for UDP (§4.3) and IPv6 extension headers (§4.2).
/// Allocation-free: reads the IPv6 packet from a span and writes the compressed header into another.
/// </summary>
public static class IphcEncoder
{
    /// <summary>Largest compressed header: IPHC 2 + CID 1 + TF 4 + NH 1 + HLIM 1 + 16 + 16, plus NHC UDP 7.</summary>
    public const int MaxBaseHeaderLength = 41 + 7;

    /// <summary>
    /// Compresses the headers at the start of <paramref name="packet"/> (a complete IPv6 datagram).
    /// Returns the compressed header length written to <paramref name="destination"/>; <paramref name="consumed"/> is the
    /// number of uncompressed bytes it replaces (the caller sends packet[consumed..] after it).
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> packet, in MacAddress linkSource, in MacAddress linkDestination,
        ContextTable? contexts, Span<byte> destination, out int consumed, IphcEncoderOptions options = IphcEncoderOptions.Default)
    {
        if (packet.Length < Ipv6.HeaderLength || (packet[0] >> 4) != 6)
            throw new ArgumentException("Not an IPv6 packet.", nameof(packet));
        if (BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) != packet.Length - Ipv6.HeaderLength)
            throw new ArgumentException("IPv6 payload length does not match the packet.", nameof(packet));

        // Inline fields are gathered in a scratch buffer; the IPHC base (and CID byte) are written last,
        // once the address modes (and so whether a CID byte is needed) are known.
        Span<byte> scratch = stackalloc byte[40];
        int n = 0;
        int iphc0 = IphcConstants.Dispatch, iphc1 = 0;

        // TF (§3.1.1): IPv6 traffic class is DSCP|ECN; IPHC carries ECN|DSCP.
        int tc = ((packet[0] & 0x0F) << 4) | (packet[1] >> 4);
        int flow = ((packet[1] & 0x0F) << 16) | (packet[2] << 8) | packet[3];
        int ecn = tc & 0x03, dscp = tc >> 2;
        if (flow == 0 && tc == 0) iphc0 |= 0x18;
        else if (flow == 0) { iphc0 |= 0x10; scratch[n++] = (byte)((ecn << 6) | dscp); }
        else if (dscp == 0)
        {
            iphc0 |= 0x08;
            scratch[n++] = (byte)((ecn << 6) | (flow >> 16));
            scratch[n++] = (byte)(flow >> 8);
            scratch[n++] = (byte)flow;
        }
        else
        {
            scratch[n++] = (byte)((ecn << 6) | dscp);
            scratch[n++] = (byte)(flow >> 16);
            scratch[n++] = (byte)(flow >> 8);
            scratch[n++] = (byte)flow;
        }

        // NH
        byte nextHeader = packet[6];
        bool nhc = CanCompress(nextHeader, packet, Ipv6.HeaderLength, options);
        if (nhc) iphc0 |= IphcConstants.Nh;
        else scratch[n++] = nextHeader;

        // HLIM: 1, 64, 255 elided.
        switch (packet[7])
        {
            case 1: iphc0 |= 1; break;
            case 64: iphc0 |= 2; break;
            case 255: iphc0 |= 3; break;
            default: scratch[n++] = packet[7]; break;
        }

        // Source address.
        var src = packet.Slice(8, 16);
        int sci = 0;
        if (src.IndexOfAnyExcept((byte)0) < 0)
        {
            iphc1 |= IphcConstants.Sac; // SAC=1 SAM=00: the unspecified address
        }
        else
        {
            n += IphcAddress.Compress(src, linkSource, contexts, scratch[n..], out int sam, out bool sac, out sci);
            iphc1 |= sam << IphcConstants.SamShift;
            if (sac) iphc1 |= IphcConstants.Sac;
        }

        // Destination address.
        var dst = packet.Slice(24, 16);
        int dci;
        if (dst[0] == 0xFF)
        {
            n += IphcAddress.CompressMulticast(dst, contexts, scratch[n..], out int dam, out bool dac, out dci);
            iphc1 |= IphcConstants.M | dam;
            if (dac) iphc1 |= IphcConstants.Dac;
        }
        else
        {
            n += IphcAddress.Compress(dst, linkDestination, contexts, scratch[n..], out int dam, out bool dac, out dci);
            iphc1 |= dam;
            if (dac) iphc1 |= IphcConstants.Dac;
        }

        bool cid = sci != 0 || dci != 0;
        int pos = cid ? 3 : 2;
        if (destination.Length < pos + n) ThrowHelper.TooSmall("IPHC header");
        destination[0] = (byte)iphc0;
        destination[1] = (byte)(iphc1 | (cid ? IphcConstants.Cid : 0));
        if (cid) destination[2] = (byte)((sci << 4) | dci);
        scratch[..n].CopyTo(destination[pos..]);
        pos += n;

        consumed = Ipv6.HeaderLength;
        if (nhc) pos += CompressNextHeaders(nextHeader, packet, ref consumed, destination[pos..], options);
        return pos;
    }

    /// <summary>Compresses and appends the rest of the packet: returns the full 6LoWPAN payload length.</summary>
    public static int CompressPacket(ReadOnlySpan<byte> packet, in MacAddress linkSource, in MacAddress linkDestination,
        ContextTable? contexts, Span<byte> destination, IphcEncoderOptions options = IphcEncoderOptions.Default)
    {
        int h = Compress(packet, linkSource, linkDestination, contexts, destination, out int consumed, options);
        var rest = packet[consumed..];
        if (destination.Length < h + rest.Length) ThrowHelper.TooSmall("6LoWPAN packet");
        rest.CopyTo(destination[h..]);
        return h + rest.Length;
    }

    private static bool CanCompress(byte nextHeader, ReadOnlySpan<byte> packet, int offset, IphcEncoderOptions options)
    {
        if (nextHeader == Ipv6.NextHeaderUdp)
            return (options & IphcEncoderOptions.NoUdpCompression) == 0 && packet.Length - offset >= 8
                && BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 4)..]) == packet.Length - offset;
        if ((options & IphcEncoderOptions.CompressExtensionHeaders) == 0 || IphcConstants.EidOf(nextHeader) < 0) return false;
        int length = ExtensionHeaderLength(nextHeader, packet, offset);
        return length > 0 && length - 2 <= 255 && offset + length <= packet.Length;
    }

    private static int ExtensionHeaderLength(byte nextHeader, ReadOnlySpan<byte> packet, int offset)
    {
        if (packet.Length - offset < 8) return -1;
        return nextHeader == Ipv6.NextHeaderFragment ? 8 : (packet[offset + 1] + 1) * 8;
    }

    private static int CompressNextHeaders(byte nextHeader, ReadOnlySpan<byte> packet, ref int offset, Span<byte> destination, IphcEncoderOptions options)
    {
        int pos = 0;
        while (true)
        {
            if (nextHeader == Ipv6.NextHeaderUdp)
                return pos + CompressUdp(packet.Slice(offset, 8), destination[pos..], ref offset);

            // Extension header: 1110 EID NH | [next header] | length | header bytes after the first two.
            int length = ExtensionHeaderLength(nextHeader, packet, offset);
            byte following = packet[offset];
            bool nh = CanCompress(following, packet, offset + length, options);
            if (destination.Length < pos + 3 + length) ThrowHelper.TooSmall("NHC extension header");
            destination[pos++] = (byte)(IphcConstants.NhcExtId | (IphcConstants.EidOf(nextHeader) << 1) | (nh ? 1 : 0));
            if (!nh) destination[pos++] = following;
            destination[pos++] = (byte)(length - 2);
            packet.Slice(offset + 2, length - 2).CopyTo(destination[pos..]);
            pos += length - 2;
            offset += length;
            if (!nh) return pos;
            nextHeader = following;
        }
    }

    private static int CompressUdp(ReadOnlySpan<byte> udp, Span<byte> destination, ref int offset)
    {
        ushort srcPort = BinaryPrimitives.ReadUInt16BigEndian(udp);
        ushort dstPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
        if (destination.Length < 7) ThrowHelper.TooSmall("NHC UDP header");
        int pos = 1;
        byte id = IphcConstants.NhcUdpId;
        if ((srcPort & 0xFFF0) == IphcConstants.UdpShortPortBase && (dstPort & 0xFFF0) == IphcConstants.UdpShortPortBase)
        {
            id |= 0x03;
            destination[pos++] = (byte)(((srcPort & 0xF) << 4) | (dstPort & 0xF));
        }
        else if ((dstPort & 0xFF00) == IphcConstants.UdpBytePortBase)
        {
            id |= 0x01;
            BinaryPrimitives.WriteUInt16BigEndian(destination[pos..], srcPort);
            destination[pos + 2] = (byte)dstPort;
            pos += 3;
        }
        else if ((srcPort & 0xFF00) == IphcConstants.UdpBytePortBase)
        {
            id |= 0x02;
            destination[pos] = (byte)srcPort;
            BinaryPrimitives.WriteUInt16BigEndian(destination[(pos + 1)..], dstPort);
            pos += 3;
        }
        else
        {
            udp[..4].CopyTo(destination[pos..]);
            pos += 4;
        }
        // Checksum inline (C=0): RFC 6282 §4.3.2 allows elision only with upper-layer authorization; the kernel never elides.
        destination[0] = id;
        udp.Slice(6, 2).CopyTo(destination[pos..]);
        offset += 8;
        return pos + 2;
    }
}
