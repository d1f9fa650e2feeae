using BenchmarkDotNet.Attributes;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Benchmarks.Bluetooth;

/// <summary>
/// ATT notification path (src/ShortRange.Bluetooth/Att): the zero-copy read every received ATT_HANDLE_VALUE_NTF takes
/// (target ≤ 100 ns, 0 B), the server's write of one, and the full object decode for comparison.
/// </summary>
[MemoryDiagnoser]
public class AttBenchmarks
{
    // A Heart Rate Measurement notification (flags, 72 bpm) on handle 0x002A.
    // An instance field, so the JIT cannot fold the read of a static readonly array into a constant.
    private readonly byte[] _notification = [0x1B, 0x2A, 0x00, 0x00, 0x48];
    private readonly byte[] _buffer = new byte[23];

    [Benchmark]
    public int ReadNotification() =>
        AttCodec.TryReadNotification(_notification, out ushort handle, out var value) ? handle + value[1] : -1;

    [Benchmark]
    public int WriteNotification() => AttCodec.WriteNotification(0x002A, _notification.AsSpan(3), _buffer);

    [Benchmark]
    public int DecodeNotificationObject() => ((AttHandleValueNotification)AttCodec.Decode(_notification)).AttributeHandle;
}
