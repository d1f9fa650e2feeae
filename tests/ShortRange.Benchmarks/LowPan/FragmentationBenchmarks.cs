using BenchmarkDotNet.Attributes;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.SixLowPan.Fragmentation;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.Benchmarks.LowPan;

/// <summary>RFC 4944 fragmentation and reassembly of a 1232-byte UDP payload (the lab's large datagram: 1280 bytes, 12 frames).</summary>
[MemoryDiagnoser]
public class FragmentationBenchmarks
{
    private readonly byte[] _packet = IphcBenchmarks.UdpPacket(1232);
    private readonly byte[] _lowpan = new byte[1400];
    private readonly byte[] _frame = new byte[127];
    private readonly ContextTable _contexts = new();
    private byte[][] _fragments = [];
    private int _h, _consumed, _length;

    [GlobalSetup]
    public void Setup()
    {
        _h = IphcEncoder.Compress(_packet, IphcBenchmarks.Src, IphcBenchmarks.Dst, _contexts, _lowpan, out _consumed);
        _packet.AsSpan(_consumed).CopyTo(_lowpan.AsSpan(_h));
        _length = _h + _packet.Length - _consumed;
        var list = new List<byte[]>();
        var f = new Fragmenter(_lowpan.AsSpan(0, _length), _h, _consumed, 0x1234, LowPanLinkOptions.MaxFrameLength - 21);
        while (f.TryWriteNext(_frame, out int n)) list.Add(_frame[..n]);
        _fragments = [.. list];
    }

    /// <summary>Compress + split into FRAG1/FRAGN payloads (frames written into one reused buffer).</summary>
    [Benchmark]
    public int Fragment()
    {
        int h = IphcEncoder.Compress(_packet, IphcBenchmarks.Src, IphcBenchmarks.Dst, _contexts, _lowpan, out int consumed);
        _packet.AsSpan(consumed).CopyTo(_lowpan.AsSpan(h));
        var f = new Fragmenter(_lowpan.AsSpan(0, h + _packet.Length - consumed), h, consumed, 0x1234, LowPanLinkOptions.MaxFrameLength - 21);
        int frames = 0;
        while (f.TryWriteNext(_frame, out _)) frames++;
        return frames;
    }

    /// <summary>Reassemble the 12 fragments into the 1280-byte datagram (allocates the datagram and its bookkeeping).</summary>
    [Benchmark]
    public int Reassemble()
    {
        var r = new Reassembler();
        byte[]? datagram = null;
        foreach (var fragment in _fragments) datagram = r.Add(fragment, IphcBenchmarks.Src, IphcBenchmarks.Dst, _contexts);
        return datagram!.Length;
    }
}
