using System.Buffers.Binary;

namespace ShortRange.LowPan.SixLowPan;

/// <summary>IPv6 constants (RFC 8200) and the upper-layer checksum (RFC 8200 §8.1).</summary>
public static class Ipv6
{
    public const int HeaderLength = 40;
    /// <summary>IPv6 minimum link MTU (RFC 8200 §5); also the 6LoWPAN interface MTU.</summary>
    public const int MinimumMtu = 1280;
    public const byte NextHeaderHopByHop = 0;
    public const byte NextHeaderTcp = 6;
    public const byte NextHeaderUdp = 17;
    public const byte NextHeaderIpv6 = 41;
    public const byte NextHeaderRouting = 43;
    public const byte NextHeaderFragment = 44;
    public const byte NextHeaderIcmpv6 = 58;
    public const byte NextHeaderNone = 59;
    public const byte NextHeaderDestinationOptions = 60;
    public const byte NextHeaderMobility = 135;

    /// <summary>One's-complement checksum over the pseudo-header and <paramref name="upperLayer"/> (checksum field included as is).</summary>
    public static ushort UpperLayerChecksum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, ReadOnlySpan<byte> upperLayer)
    {
        ulong sum = 0;
        sum = Add(sum, source);
        sum = Add(sum, destination);
        sum += (uint)upperLayer.Length;
        sum += nextHeader;
        sum = Add(sum, upperLayer);
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>UDP checksum: 0 is sent as 0xFFFF (RFC 768, RFC 8200 §8.1).</summary>
    public static ushort UdpChecksum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> udpWithZeroChecksum)
    {
        ushort c = UpperLayerChecksum(source, destination, NextHeaderUdp, udpWithZeroChecksum);
        return c == 0 ? (ushort)0xFFFF : c;
    }

    private static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 4 <= data.Length; i += 4) sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        for (; i + 2 <= data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        return sum;
    }

    internal static bool IsExtensionHeader(byte nextHeader) => nextHeader is NextHeaderHopByHop or NextHeaderRouting
        or NextHeaderFragment or NextHeaderDestinationOptions or NextHeaderMobility;
}
