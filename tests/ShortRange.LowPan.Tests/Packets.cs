using System.Buffers.Binary;
using System.Net;
using ShortRange.LowPan.SixLowPan;

namespace ShortRange.LowPan.Tests;

/// <summary>Builds IPv6 test packets with correct lengths and checksums.</summary>
internal static class Packets
{
    public static byte[] Udp(string src, string dst, ushort srcPort, ushort dstPort, ReadOnlySpan<byte> payload,
        byte hopLimit = 64, byte trafficClass = 0, int flowLabel = 0) =>
        Udp(IPAddress.Parse(src).GetAddressBytes(), IPAddress.Parse(dst).GetAddressBytes(), srcPort, dstPort, payload, hopLimit, trafficClass, flowLabel);

    public static byte[] Udp(byte[] src, byte[] dst, ushort srcPort, ushort dstPort, ReadOnlySpan<byte> payload,
        byte hopLimit = 64, byte trafficClass = 0, int flowLabel = 0, byte[]? extensionHeaders = null, byte firstNextHeader = Ipv6.NextHeaderUdp)
    {
        int ext = extensionHeaders?.Length ?? 0;
        var p = new byte[40 + ext + 8 + payload.Length];
        WriteIpv6(p, src, dst, extensionHeaders is null ? Ipv6.NextHeaderUdp : firstNextHeader, hopLimit, trafficClass, flowLabel);
        extensionHeaders?.CopyTo(p, 40);
        var udp = p.AsSpan(40 + ext);
        BinaryPrimitives.WriteUInt16BigEndian(udp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Ipv6.UdpChecksum(src, dst, udp));
        return p;
    }

    public static byte[] Icmpv6Echo(byte[] src, byte[] dst, ushort id, ushort seq, ReadOnlySpan<byte> data, byte hopLimit = 64)
    {
        var p = new byte[40 + 8 + data.Length];
        WriteIpv6(p, src, dst, Ipv6.NextHeaderIcmpv6, hopLimit, 0, 0);
        var icmp = p.AsSpan(40);
        icmp[0] = 128;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[6..], seq);
        data.CopyTo(icmp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Ipv6.UpperLayerChecksum(src, dst, Ipv6.NextHeaderIcmpv6, icmp));
        return p;
    }

    private static void WriteIpv6(Span<byte> p, byte[] src, byte[] dst, byte nextHeader, byte hopLimit, byte tc, int flow)
    {
        p[0] = (byte)(0x60 | (tc >> 4));
        p[1] = (byte)(((tc & 0xF) << 4) | ((flow >> 16) & 0xF));
        p[2] = (byte)(flow >> 8);
        p[3] = (byte)flow;
        BinaryPrimitives.WriteUInt16BigEndian(p[4..], (ushort)(p.Length - 40));
        p[6] = nextHeader;
        p[7] = hopLimit;
        src.CopyTo(p[8..]);
        dst.CopyTo(p[24..]);
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
