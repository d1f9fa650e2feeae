using System.Buffers.Binary;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>
/// LOWPAN_IPHC decompressor (RFC 6282 §3) with LOWPAN_NHC for UDP and extension headers (§4). Allocation-free.
/// Malformed input throws <see cref="LowPanFormatException"/> with a <see cref="DropReason"/>.
/// </summary>
public static class IphcDecoder
{
    /// <summary>Largest header this decoder writes (IPv6 + extension headers + UDP), bounded by the compressed input.</summary>
    public const int MaxHeaderLength = 1280;

    /// <summary>
    /// Decompresses the headers at the start of <paramref name="compressed"/> (which begins with the IPHC dispatch).
    /// <paramref name="datagramSize"/>: the IPv6 datagram's full size when known from a fragment header; otherwise the
    /// payload is taken to be the rest of <paramref name="compressed"/>. Payload Length and UDP Length are filled in.
    /// </summary>
    public static IphcDecodeResult Decompress(ReadOnlySpan<byte> compressed, in MacAddress linkSource, in MacAddress linkDestination,
        ContextTable? contexts, Span<byte> destination, int datagramSize = 0)
    {
        if (compressed.Length < 2) ThrowHelper.Format(DropReason.Truncated, "IPHC header truncated.");
        if ((compressed[0] & 0xE0) != IphcConstants.Dispatch) ThrowHelper.Format(DropReason.UnknownDispatch, "Not an IPHC dispatch.");
        if (destination.Length < Ipv6.HeaderLength) ThrowHelper.TooSmall("IPv6 header");
        var r = new Reader(compressed);
        byte iphc0 = r.Byte(), iphc1 = r.Byte();
        int sci = 0, dci = 0;
        if ((iphc1 & IphcConstants.Cid) != 0)
        {
            byte c = r.Byte();
            sci = c >> 4;
            dci = c & 0xF;
        }

        var ip = destination[..Ipv6.HeaderLength];
        ip.Clear();
        // TF
        int ecn = 0, dscp = 0, flow = 0;
        switch ((iphc0 & IphcConstants.TfMask) >> 3)
        {
            case 0:
                {
                    byte b0 = r.Byte();
                    ecn = b0 >> 6; dscp = b0 & 0x3F;
                    flow = ((r.Byte() & 0x0F) << 16) | (r.Byte() << 8) | r.Byte();
                    break;
                }
            case 1:
                {
                    byte b0 = r.Byte();
                    ecn = b0 >> 6;
                    flow = ((b0 & 0x0F) << 16) | (r.Byte() << 8) | r.Byte();
                    break;
                }
            case 2:
                {
                    byte b0 = r.Byte();
                    ecn = b0 >> 6; dscp = b0 & 0x3F;
                    break;
                }
        }
        int tc = (dscp << 2) | ecn;
        ip[0] = (byte)(0x60 | (tc >> 4));
        ip[1] = (byte)(((tc & 0x0F) << 4) | (flow >> 16));
        ip[2] = (byte)(flow >> 8);
        ip[3] = (byte)flow;

        bool nhc = (iphc0 & IphcConstants.Nh) != 0;
        if (!nhc) ip[6] = r.Byte();
        ip[7] = (iphc0 & IphcConstants.HlimMask) switch { 1 => 1, 2 => 64, 3 => 255, _ => r.Byte() };

        // Source
        bool sac = (iphc1 & IphcConstants.Sac) != 0;
        int sam = (iphc1 >> IphcConstants.SamShift) & 3;
        if (sac && sam == 0)
        {
            // unspecified address: already zero
        }
        else
        {
            var ctx = sac ? Context(contexts, sci) : null;
            var inline = r.Take(IphcAddress.InlineLength(sam));
            if (!IphcAddress.Reconstruct(ctx, sac, sam, inline, linkSource, ip.Slice(8, 16)))
                ThrowHelper.Format(DropReason.Reserved, "Source address elided but the frame has no source address.");
        }

        // Destination
        bool m = (iphc1 & IphcConstants.M) != 0, dac = (iphc1 & IphcConstants.Dac) != 0;
        int dam = iphc1 & 3;
        if (m)
        {
            if (dac && dam != 0) ThrowHelper.Format(DropReason.Reserved, "Reserved M=1 DAC=1 DAM.");
            var ctx = dac ? Context(contexts, dci) : null;
            if (ctx is not null && ctx.PrefixLength > 64) ThrowHelper.Format(DropReason.Reserved, "Context prefix too long for RFC 3306 multicast.");
            var inline = r.Take(IphcAddress.MulticastInlineLength(dac, dam));
            IphcAddress.ReconstructMulticast(ctx, dac, dam, inline, ip.Slice(24, 16));
        }
        else
        {
            if (dac && dam == 0) ThrowHelper.Format(DropReason.Reserved, "Reserved M=0 DAC=1 DAM=00.");
            var ctx = dac ? Context(contexts, dci) : null;
            var inline = r.Take(IphcAddress.InlineLength(dam));
            if (!IphcAddress.Reconstruct(ctx, dac, dam, inline, linkDestination, ip.Slice(24, 16)))
                ThrowHelper.Format(DropReason.Reserved, "Destination address elided but the frame has no destination address.");
        }

        int written = Ipv6.HeaderLength, udpOffset = -1;
        bool checksumElided = false;
        if (nhc)
        {
            int nextHeaderField = 6;
            while (true)
            {
                byte id = r.Byte();
                if ((id & IphcConstants.NhcUdpMask) == IphcConstants.NhcUdpId)
                {
                    destination[nextHeaderField] = Ipv6.NextHeaderUdp;
                    if (destination.Length < written + 8) ThrowHelper.TooSmall("UDP header");
                    var udp = destination.Slice(written, 8);
                    DecompressUdp(id, ref r, udp);
                    checksumElided = (id & IphcConstants.NhcUdpChecksumElided) != 0;
                    udpOffset = written;
                    written += 8;
                    break;
                }
                if ((id & IphcConstants.NhcExtMask) != IphcConstants.NhcExtId)
                    ThrowHelper.Format(DropReason.UnsupportedNhc, $"Unsupported NHC 0x{id:x2}.");
                int eid = (id >> 1) & 7;
                int proto = IphcConstants.NextHeaderOfEid(eid);
                if (proto < 0) ThrowHelper.Format(DropReason.UnsupportedNhc, $"Unsupported NHC extension header EID {eid}.");
                destination[nextHeaderField] = (byte)proto;
                bool nh = (id & 1) != 0;
                byte following = nh ? (byte)0 : r.Byte();
                int length = r.Byte();
                var body = r.Take(length);
                int total = 2 + length;
                int padded = (total + 7) & ~7;
                if (proto == Ipv6.NextHeaderFragment && total != 8) ThrowHelper.Format(DropReason.BadLength, "Fragment header must be 8 bytes.");
                if (proto is Ipv6.NextHeaderRouting or Ipv6.NextHeaderMobility && padded != total)
                    ThrowHelper.Format(DropReason.BadLength, "Extension header length not a multiple of 8.");
                if (destination.Length < written + padded) ThrowHelper.TooSmall("extension header");
                var ext = destination.Slice(written, padded);
                ext[0] = following;
                ext[1] = proto == Ipv6.NextHeaderFragment ? (byte)0 : (byte)(padded / 8 - 1);
                body.CopyTo(ext[2..]);
                // RFC 6282 §4.2: the decompressor restores elided trailing Pad1/PadN.
                int pad = padded - total;
                if (pad == 1) ext[total] = 0;
                else if (pad > 1) { ext[total] = 1; ext[total + 1] = (byte)(pad - 2); ext[(total + 2)..].Clear(); }
                nextHeaderField = written;
                written += padded;
                if (!nh) break;
            }
        }

        int total2 = datagramSize > 0 ? datagramSize : written + compressed.Length - r.Position;
        if (total2 < written || total2 - Ipv6.HeaderLength > ushort.MaxValue)
            ThrowHelper.Format(DropReason.BadLength, "Datagram size smaller than its headers.");
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(total2 - Ipv6.HeaderLength));
        if (udpOffset >= 0) BinaryPrimitives.WriteUInt16BigEndian(destination[(udpOffset + 4)..], (ushort)(total2 - udpOffset));
        return new IphcDecodeResult(r.Position, written, udpOffset, checksumElided);
    }

    /// <summary>Decompresses a whole unfragmented 6LoWPAN IPHC payload into an IPv6 packet; returns its length.</summary>
    public static int DecompressPacket(ReadOnlySpan<byte> compressed, in MacAddress linkSource, in MacAddress linkDestination,
        ContextTable? contexts, Span<byte> destination)
    {
        var res = Decompress(compressed, linkSource, linkDestination, contexts, destination);
        var payload = compressed[res.Consumed..];
        int total = res.Written + payload.Length;
        if (destination.Length < total) ThrowHelper.TooSmall("IPv6 packet");
        payload.CopyTo(destination[res.Written..]);
        if (res.UdpChecksumElided) FixUdpChecksum(destination[..total], res.UdpOffset);
        return total;
    }

    /// <summary>Computes the UDP checksum of a complete packet whose checksum was elided.</summary>
    public static void FixUdpChecksum(Span<byte> packet, int udpOffset)
    {
        var udp = packet[udpOffset..];
        udp[6] = 0;
        udp[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Ipv6.UdpChecksum(packet.Slice(8, 16), packet.Slice(24, 16), udp));
    }

    private static CompressionContext Context(ContextTable? contexts, int cid) =>
        contexts?[cid] ?? ThrowHelper.Format<CompressionContext>(DropReason.UnknownContext, $"IPHC context {cid} is not configured.");

    private static void DecompressUdp(byte id, ref Reader r, Span<byte> udp)
    {
        switch (id & 3)
        {
            case 0:
                r.Take(4).CopyTo(udp);
                break;
            case 1:
                r.Take(2).CopyTo(udp);
                udp[2] = 0xF0;
                udp[3] = r.Byte();
                break;
            case 2:
                udp[0] = 0xF0;
                udp[1] = r.Byte();
                r.Take(2).CopyTo(udp[2..]);
                break;
            default:
                byte b = r.Byte();
                BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(IphcConstants.UdpShortPortBase | (b >> 4)));
                BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)(IphcConstants.UdpShortPortBase | (b & 0xF)));
                break;
        }
        if ((id & IphcConstants.NhcUdpChecksumElided) != 0) { udp[6] = 0; udp[7] = 0; }
        else r.Take(2).CopyTo(udp[6..]);
    }

    /// <summary>Bounds-checked cursor: running off the end is a counted <see cref="DropReason.Truncated"/> drop.</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        public int Position;

        public Reader(ReadOnlySpan<byte> data) { _data = data; Position = 0; }

        public byte Byte()
        {
            if (Position >= _data.Length) ThrowHelper.Format(DropReason.Truncated, "Compressed header truncated.");
            return _data[Position++];
        }

        public ReadOnlySpan<byte> Take(int count)
        {
            if (_data.Length - Position < count) ThrowHelper.Format(DropReason.Truncated, "Compressed header truncated.");
            var s = _data.Slice(Position, count);
            Position += count;
            return s;
        }
    }
}
