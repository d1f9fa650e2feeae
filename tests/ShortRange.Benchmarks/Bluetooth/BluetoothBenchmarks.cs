using BenchmarkDotNet.Attributes;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Benchmarks.Bluetooth;

/// <summary>
/// Advertising-data parsing and mgmt event decoding: the per-advertisement path from the control socket to a sighting
/// (issue 4 target: device-found → OnNext under 1 ms at p99; this is the codec share of it).
/// </summary>
[MemoryDiagnoser]
public class BluetoothBenchmarks
{
    /// <summary>Flags, UUID16 list, complete name, TX power, manufacturer data: a typical 31-byte LE advertisement.</summary>
    private static readonly byte[] Advertisement =
    [
        0x02, 0x01, 0x06,
        0x05, 0x03, 0x0F, 0x18, 0x0A, 0x18,
        0x09, 0x09, (byte)'s', (byte)'e', (byte)'n', (byte)'s', (byte)'o', (byte)'r', (byte)'-', (byte)'1',
        0x02, 0x0A, 0xF4,
        0x07, 0xFF, 0x4C, 0x00, 0x10, 0x02, 0x0B, 0x00,
    ];

    private readonly byte[] _deviceFound =
        new MgmtPacket(MgmtEventCode.MGMT_EV_DEVICE_FOUND, 0,
            (byte[])[0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0x01, 0xC4, 0x00, 0x00, 0x00, 0x00, (byte)Advertisement.Length, 0x00, .. Advertisement]).ToArray();

    private static readonly byte[] BnepSetupRequest = [0x01, 0x01, 0x02, 0x11, 0x16, 0x11, 0x15];
    private static readonly BnepSetupConnectionRequest BnepRequest = BnepSetupConnectionRequest.ForRoles(BnepRole.Nap, BnepRole.Panu);

    /// <summary>BNEP setup connection request (NAP ← PANU, UUID16), as the PAN server receives it.</summary>
    [Benchmark]
    public int BnepDecodeSetupRequest() => BnepCodec.DecodeControl(BnepSetupRequest).ControlType;

    [Benchmark]
    public int BnepEncodeSetupRequest() => BnepCodec.Encode(BnepRequest).Length;

    [Benchmark]
    public int ParseAdvertisingData() => AdvertisingDataParser.Parse(Advertisement).ServiceUuids.Count;

    /// <summary>Datagram → MgmtPacket → DeviceFoundEvent (no EIR parsing).</summary>
    [Benchmark]
    public int DecodeDeviceFoundEvent() => MgmtEvents.DeviceFound(MgmtPacket.Decode(_deviceFound).Parameters.Span).Eir.Length;

    /// <summary>Datagram → event → EIR details: everything the scanner does per advertisement before OnNext.</summary>
    [Benchmark]
    public int DeviceFoundToDetails()
    {
        var ev = MgmtEvents.DeviceFound(MgmtPacket.Decode(_deviceFound).Parameters.Span);
        return AdvertisingDataParser.Parse(ev.Eir, ev.Flags).ServiceUuids.Count;
    }
}
