using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.Benchmarks.LowPan;

/// <summary>IPHC + NHC UDP compress/decompress of a typical link-local UDP datagram (issue 5 target: &lt;150 ns, 0 B allocated).</summary>
[MemoryDiagnoser]
public class IphcBenchmarks
{
    internal static readonly MacAddress Src = MacAddress.FromExtended(0x0011223344556677);
    internal static readonly MacAddress Dst = MacAddress.FromExtended(0x8899AABBCCDDEEFF);
    private readonly byte[] _packet = UdpPacket(32);
    private readonly byte[] _compressed = new byte[128];
    private readonly byte[] _output = new byte[1280];
    private readonly ContextTable _contexts = new();
    private int _compressedLength;

    /// <summary>fe80::IID(src) → fe80::IID(dst), UDP 5683 → 5683, hop limit 64, as the kernel sends it.</summary>
    internal static byte[] UdpPacket(int payload)
    {
        var p = new byte[40 + 8 + payload];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(8 + payload));
        p[6] = Ipv6.NextHeaderUdp;
        p[7] = 64;
        p[8] = 0xFE; p[9] = 0x80;
        Src.WriteInterfaceIdentifier(p.AsSpan(16));
        p[24] = 0xFE; p[25] = 0x80;
        Dst.WriteInterfaceIdentifier(p.AsSpan(32));
        for (int i = 0; i < payload; i++) p[48 + i] = (byte)i;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(40), 5683);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(42), 5683);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(44), (ushort)(8 + payload));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(46), Ipv6.UdpChecksum(p.AsSpan(8, 16), p.AsSpan(24, 16), p.AsSpan(40)));
        return p;
    }

    [GlobalSetup]
    public void Setup() => _compressedLength = IphcEncoder.CompressPacket(_packet, Src, Dst, _contexts, _compressed);

    [Benchmark]
    public int Compress() => IphcEncoder.Compress(_packet, Src, Dst, _contexts, _compressed, out _);

    [Benchmark]
    public int Decompress() => IphcDecoder.Decompress(_compressed.AsSpan(0, _compressedLength), Src, Dst, _contexts, _output).Written;
}
