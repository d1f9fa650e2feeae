using System.Diagnostics.Metrics;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan;

/// <summary>
/// System.Diagnostics.Metrics instruments of the 6LoWPAN link (Meter "ShortRange.LowPan"; `dotnet-counters monitor
/// --counters ShortRange.LowPan`, or any OpenTelemetry exporter). Incremented where the link already counts; without a
/// listener each update costs next to nothing.
/// </summary>
public static class LowPanMetrics
{
    public const string MeterName = "ShortRange.LowPan";
    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> FramesReceived =
        Meter.CreateCounter<long>("shortrange.lowpan.frames.received", "{frame}", "802.15.4 frames handed to a 6LoWPAN link.");
    internal static readonly Counter<long> FramesSent =
        Meter.CreateCounter<long>("shortrange.lowpan.frames.sent", "{frame}", "802.15.4 frames a 6LoWPAN link produced (fragments count one each).");
    internal static readonly Counter<long> Drops =
        Meter.CreateCounter<long>("shortrange.lowpan.drops", "{frame}", "Frames, fragments or datagrams dropped, tagged by reason (DropReason).");
    internal static readonly UpDownCounter<long> Reassemblies =
        Meter.CreateUpDownCounter<long>("shortrange.lowpan.reassemblies.active", "{datagram}", "Datagrams being reassembled from fragments.");

    internal static void Dropped(DropReason reason) => Drops.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
}
