using BenchmarkDotNet.Attributes;
using ShortRange.Bluetooth.L2cap;

namespace ShortRange.Benchmarks.Bluetooth;

/// <summary>L2CAP socket-option structs (l2cap_options, bt_security): encoded/decoded once per option get/set.</summary>
[MemoryDiagnoser]
public class L2capBenchmarks
{
    private readonly byte[] _options = new byte[L2capKernelOptions.SizeOf];
    private readonly byte[] _security = [0x02, 0x10];
    private readonly L2capKernelOptions _value = new(672, 4096, 0xFFFF, 0, 1, 3, 63);

    [Benchmark]
    public ushort DecodeL2capOptions() => L2capKernelOptions.Read(_options).IncomingMtu;

    [Benchmark]
    public byte EncodeL2capOptions()
    {
        _value.WriteTo(_options);
        return _options[2];
    }

    [Benchmark]
    public byte DecodeBtSecurity() => BtSecurity.Read(_security).KeySize;
}
