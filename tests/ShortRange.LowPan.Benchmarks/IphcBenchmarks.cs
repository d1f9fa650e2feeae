using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Benchmarks;

/// <summary>IPHC + NHC UDP compress/decompress of a typical link-local UDP datagram (target: &lt;150 ns, 0 B allocated).</summary>
[MemoryDiagnoser]
public class IphcBenchmarks
{
    private static readonly MacAddress Src = MacAddress.FromExtended(0x0011223344556677);
    private static readonly MacAddress Dst = MacAddress.FromExtended(0x8899AABBCCDDEEFF);
    private readonly byte[] _packet = new byte[40 + 8 + 32];
    private readonly byte[] _compressed = new byte[128];
    private readonly byte[] _output = new byte[1280];
    private readonly ContextTable _contexts = new();
    private int _compressedLength;

    [GlobalSetup]
    public void Setup()
    {
        var p = _packet.AsSpan();
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p[4..], 40);
        p[6] = Ipv6.NextHeaderUdp;
        p[7] = 64;
        p[8] = 0xFE; p[9] = 0x80;
        Src.WriteInterfaceIdentifier(p[16..]);
        p[24] = 0xFE; p[25] = 0x80;
        Dst.WriteInterfaceIdentifier(p[32..]);
        BinaryPrimitives.WriteUInt16BigEndian(p[40..], 5683);
        BinaryPrimitives.WriteUInt16BigEndian(p[42..], 5683);
        BinaryPrimitives.WriteUInt16BigEndian(p[44..], 40);
        BinaryPrimitives.WriteUInt16BigEndian(p[46..], Ipv6.UdpChecksum(p.Slice(8, 16), p.Slice(24, 16), p[40..]));
        _compressedLength = IphcEncoder.CompressPacket(_packet, Src, Dst, _contexts, _compressed);
    }

    [Benchmark]
    public int Compress() => IphcEncoder.Compress(_packet, Src, Dst, _contexts, _compressed, out _);

    [Benchmark]
    public int Decompress() => IphcDecoder.Decompress(_compressed.AsSpan(0, _compressedLength), Src, Dst, _contexts, _output).Written;
}
