using BenchmarkDotNet.Attributes;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Hci;

namespace ShortRange.Benchmarks.Bluetooth;

/// <summary>
/// HCI raw-channel event parsing (src/ShortRange.Bluetooth/Hci): the per-advertisement path of an HCI_CHANNEL_RAW
/// listener (packet → LE Meta → LE Advertising Report → AD structures), plus the Command Complete every command waits for.
/// </summary>
[MemoryDiagnoser]
public class HciBenchmarks
{
    private static readonly byte[] Advertisement =
    [
        0x02, 0x01, 0x06,
        0x05, 0x03, 0x0F, 0x18, 0x0A, 0x18,
        0x09, 0x09, (byte)'s', (byte)'e', (byte)'n', (byte)'s', (byte)'o', (byte)'r', (byte)'-', (byte)'1',
        0x02, 0x0A, 0xF4,
        0x07, 0xFF, 0x4C, 0x00, 0x10, 0x02, 0x0B, 0x00,
    ];

    /// <summary>One LE Advertising Report (ADV_IND, public address, the advertisement above, RSSI −60 dBm), without the indicator.</summary>
    private static readonly byte[] AdvertisingReport = new HciEventPacket(HciEventCode.HCI_LE_Meta,
        (byte[])[HciEventCode.HCI_LE_Advertising_Report, 0x01, 0x00, 0x00, 0x01, 0x55, 0x0F, 0xDC, 0x1B, 0x00,
            (byte)Advertisement.Length, .. Advertisement, 0xC4]).ToDatagram()[1..];

    /// <summary>Command Complete of HCI_Read_BD_ADDR (status 0, BD_ADDR).</summary>
    private static readonly byte[] ReadBdAddrComplete = new HciEventPacket(HciEventCode.HCI_Command_Complete,
        (byte[])[0x01, 0x09, 0x10, 0x00, 0x01, 0x55, 0x0F, 0xDC, 0x1B, 0x00]).ToDatagram()[1..];

    [Benchmark]
    public int DecodeAdvertisingReport()
    {
        var ev = HciEventPacket.Decode(AdvertisingReport);
        var (_, parameters) = HciEvents.LeMeta(ev.Parameters);
        return HciEvents.LeAdvertisingReports(parameters.Span).Count;
    }

    [Benchmark]
    public int AdvertisingReportToDetails()
    {
        var ev = HciEventPacket.Decode(AdvertisingReport);
        var (_, parameters) = HciEvents.LeMeta(ev.Parameters);
        var report = HciEvents.LeAdvertisingReports(parameters.Span)[0];
        return AdvertisingDataParser.Parse(report.Data.Span).ServiceUuids.Count;
    }

    [Benchmark]
    public ulong DecodeCommandComplete()
    {
        var ev = HciEventPacket.Decode(ReadBdAddrComplete);
        var cc = HciEvents.CommandComplete(ev.Parameters.Span);
        return HciEvents.ReadBdAddrReturn(cc.ReturnParameters.Span);
    }
}
