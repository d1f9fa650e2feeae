using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using ShortRange.LowPan.SixLowPan;

namespace ShortRange.Tool.Output;

/// <summary>
/// The readable one-line header dump of an IPv6 packet (`lowpan decode`, `lowpan listen`):
/// <c>IPv6 SRC > DST tc=0 flow=0x00000 plen=13 nh=udp hlim=64 | UDP 61616 > 5683 len=13 csum=0xf7d8</c>.
/// Presentation only: fixed RFC 8200 / RFC 768 / RFC 4443 header offsets, nothing is decompressed here.
/// </summary>
public static class Ipv6Text
{
    public static string Format(ReadOnlySpan<byte> p)
    {
        if (p.Length < Ipv6.HeaderLength || p[0] >> 4 != 6) return $"not IPv6 ({p.Length} bytes)";
        uint first = BinaryPrimitives.ReadUInt32BigEndian(p);
        int tc = (int)((first >> 20) & 0xFF);
        int flow = (int)(first & 0xFFFFF);
        int plen = BinaryPrimitives.ReadUInt16BigEndian(p[4..]);
        byte nh = p[6];
        var src = new IPAddress(p.Slice(8, 16));
        var dst = new IPAddress(p.Slice(24, 16));
        var text = string.Create(CultureInfo.InvariantCulture,
            $"IPv6 {src} > {dst} tc={tc} flow=0x{flow:x5} plen={plen} nh={NextHeaderName(nh)} hlim={p[7]}");
        var upper = p[Ipv6.HeaderLength..];
        if (nh == Ipv6.NextHeaderUdp && upper.Length >= 8)
            text += string.Create(CultureInfo.InvariantCulture,
                $" | UDP {BinaryPrimitives.ReadUInt16BigEndian(upper)} > {BinaryPrimitives.ReadUInt16BigEndian(upper[2..])} len={BinaryPrimitives.ReadUInt16BigEndian(upper[4..])} csum=0x{BinaryPrimitives.ReadUInt16BigEndian(upper[6..]):x4}");
        else if (nh == Ipv6.NextHeaderIcmpv6 && upper.Length >= 4)
            text += string.Create(CultureInfo.InvariantCulture,
                $" | ICMPv6 type={upper[0]} code={upper[1]} csum=0x{BinaryPrimitives.ReadUInt16BigEndian(upper[2..]):x4}");
        return text;
    }

    private static string NextHeaderName(byte nh) => nh switch
    {
        Ipv6.NextHeaderHopByHop => "hop-by-hop",
        Ipv6.NextHeaderTcp => "tcp",
        Ipv6.NextHeaderUdp => "udp",
        Ipv6.NextHeaderRouting => "routing",
        Ipv6.NextHeaderFragment => "fragment",
        Ipv6.NextHeaderIcmpv6 => "icmpv6",
        Ipv6.NextHeaderNone => "none",
        Ipv6.NextHeaderDestinationOptions => "dest-opts",
        _ => nh.ToString(CultureInfo.InvariantCulture),
    };
}
