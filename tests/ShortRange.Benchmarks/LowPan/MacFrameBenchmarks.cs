using BenchmarkDotNet.Attributes;
using ShortRange.LowPan.Ieee802154;

namespace ShortRange.Benchmarks.LowPan;

/// <summary>IEEE 802.15.4 data frame codec: PAN-compressed extended→extended header + 40-byte payload, with and without FCS.</summary>
[MemoryDiagnoser]
public class MacFrameBenchmarks
{
    private readonly MacHeader _header = new()
    {
        FrameType = MacFrameType.Data, Version = MacFrameVersion.Ieee2006, AckRequest = true, PanIdCompression = true, SequenceNumber = 7,
        DestinationPanId = 0xBEEF, Destination = IphcBenchmarks.Dst, Source = IphcBenchmarks.Src,
    };
    private readonly byte[] _payload = new byte[40];
    private readonly byte[] _frame = new byte[127];
    private byte[] _encoded = [];
    private byte[] _encodedFcs = [];

    [GlobalSetup]
    public void Setup()
    {
        _encoded = _frame[..MacFrame.Write(_header, _payload, _frame)];
        _encodedFcs = _frame[..MacFrame.Write(_header, _payload, _frame, appendFcs: true)];
    }

    [Benchmark]
    public int Write() => MacFrame.Write(_header, _payload, _frame);

    [Benchmark]
    public int Parse() => MacFrame.Parse(_encoded).Payload.Length;

    [Benchmark]
    public int ParseWithFcs() => MacFrame.Parse(_encodedFcs, hasFcs: true).Payload.Length;
}
