using System.Diagnostics.Metrics;

namespace ShortRange.Nfc;

/// <summary>
/// System.Diagnostics.Metrics instruments of the NFC module (Meter "ShortRange.Nfc"; `dotnet-counters monitor --counters
/// ShortRange.Nfc`, or any OpenTelemetry exporter). Updated at points the module already passes.
/// </summary>
public static class NfcMetrics
{
    public const string MeterName = "ShortRange.Nfc";
    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> TargetsFound =
        Meter.CreateCounter<long>("shortrange.nfc.targets.found", "{target}", "Targets (tags, peers) the kernel reported to scanners.");
    internal static readonly Counter<long> LlcpBytesSent =
        Meter.CreateCounter<long>("shortrange.nfc.llcp.bytes.sent", "By", "Bytes sent on LLCP connections.");
    internal static readonly Counter<long> LlcpBytesReceived =
        Meter.CreateCounter<long>("shortrange.nfc.llcp.bytes.received", "By", "Bytes received on LLCP connections.");
}
