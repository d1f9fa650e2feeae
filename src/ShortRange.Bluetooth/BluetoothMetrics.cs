using System.Diagnostics.Metrics;

namespace ShortRange.Bluetooth;

/// <summary>
/// System.Diagnostics.Metrics instruments of the Bluetooth module (Meter "ShortRange.Bluetooth"; `dotnet-counters monitor
/// --counters ShortRange.Bluetooth`, or any OpenTelemetry exporter). Updated at points the module already passes.
/// </summary>
public static class BluetoothMetrics
{
    public const string MeterName = "ShortRange.Bluetooth";
    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> DevicesFound =
        Meter.CreateCounter<long>("shortrange.bluetooth.devices.found", "{event}", "mgmt Device Found events delivered to scanners.");
    internal static readonly UpDownCounter<long> ScansActive =
        Meter.CreateUpDownCounter<long>("shortrange.bluetooth.scans.active", "{scan}", "Discovery scans running on a controller.");
    internal static readonly Counter<long> L2capBytesSent =
        Meter.CreateCounter<long>("shortrange.bluetooth.l2cap.bytes.sent", "By", "Bytes sent on L2CAP channels.");
    internal static readonly Counter<long> L2capBytesReceived =
        Meter.CreateCounter<long>("shortrange.bluetooth.l2cap.bytes.received", "By", "Bytes received on L2CAP channels.");
    internal static readonly Histogram<double> MgmtCommandDuration =
        Meter.CreateHistogram<double>("shortrange.bluetooth.mgmt.command.duration", "ms", "Time from sending a mgmt command to its Command Complete/Status.");
}
