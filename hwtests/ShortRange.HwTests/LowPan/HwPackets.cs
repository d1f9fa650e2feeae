using System.Buffers.Binary;
using ShortRange.LowPan.SixLowPan;

namespace ShortRange.HwTests.LowPan;

internal static class HwPackets
{
    /// <summary>An IPv6/UDP packet as Linux would build it for an unconnected socket: hop limit 64, no traffic class.</summary>
    public static byte[] Udp(byte[] src, byte[] dst, ushort srcPort, ushort dstPort, ReadOnlySpan<byte> payload)
    {
        var p = new byte[48 + payload.Length];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(8 + payload.Length));
        p[6] = Ipv6.NextHeaderUdp;
        p[7] = 64;
        src.CopyTo(p, 8);
        dst.CopyTo(p, 24);
        var udp = p.AsSpan(40);
        BinaryPrimitives.WriteUInt16BigEndian(udp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Ipv6.UdpChecksum(src, dst, udp));
        return p;
    }
}
