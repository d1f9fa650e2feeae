using System.Buffers.Binary;
using ShortRange.LowPan.SixLowPan;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests.Shared;

/// <summary>The lab's IPv6/UDP datagrams (link-local, hop limit 64, like the kernel's unconnected UDP socket).</summary>
internal static class Packets
{
    public static byte[] Udp(int payload)
    {
        var p = new byte[48 + payload];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(8 + payload));
        p[6] = Ipv6.NextHeaderUdp;
        p[7] = 64;
        p[8] = 0xFE; p[9] = 0x80;
        LowPanGen.Peer.WriteInterfaceIdentifier(p.AsSpan(16));
        p[24] = 0xFE; p[25] = 0x80;
        LowPanGen.Ours.WriteInterfaceIdentifier(p.AsSpan(32));
        var udp = p.AsSpan(40);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 5683);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5683);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Ipv6.UdpChecksum(p.AsSpan(8, 16), p.AsSpan(24, 16), udp));
        return p;
    }
}
