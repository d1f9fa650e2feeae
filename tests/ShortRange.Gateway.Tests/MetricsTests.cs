using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ShortRange.LowPan;
using ShortRange.LowPan.Link;

namespace ShortRange.Gateway.Tests;

/// <summary>The libraries' meters fire at their existing counting points, and the gateway exports them over Prometheus.</summary>
public sealed class MetricsTests
{
    [Fact]
    public void The_lowpan_link_counts_frames_in_and_drops_by_reason()
    {
        var seen = new List<(string Name, long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == LowPanMetrics.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            string? reason = null;
            foreach (var t in tags) if (t.Key == "reason") reason = t.Value as string;
            lock (seen) seen.Add((i.Name, v, reason));
        });
        listener.Start();

        var link = new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x0011223344556677 });
        // IEEE 802.15.4-2006 §7.2.1: a frame control field alone (2 octets) is shorter than any data frame's header.
        Assert.Null(link.Receive([0x41]));
        Assert.Equal(1, link.Drops.Total);
        lock (seen)
        {
            Assert.Contains(seen, s => s.Name == "shortrange.lowpan.frames.received" && s.Value == 1);
            var drop = Assert.Single(seen, s => s.Name == "shortrange.lowpan.drops");
            Assert.Equal(link.Drops.Total, drop.Value);
            Assert.Equal(Enum.GetValues<LowPan.Errors.DropReason>().Single(r => link.Drops[r] == 1).ToString(), drop.Reason);
        }
    }

    [Fact]
    public async Task The_prometheus_endpoint_serves_the_gateway_and_library_meters()
    {
        var ct = TestContext.Current.CancellationToken;
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
        using var host = GatewayHost.Build([], new Dictionary<string, string?>
        {
            ["Gateway:Mqtt:Host"] = "127.0.0.1", ["Gateway:Mqtt:Port"] = "1", // no broker: buffered stays visible
            ["Gateway:Discovery:Enabled"] = "false", ["Gateway:LowPan:Enabled"] = "false",
            ["Gateway:Metrics:Exporter"] = "Prometheus", ["Gateway:Metrics:PrometheusUrl"] = $"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/",
        });
        await host.StartAsync(ct);
        // A library instrument with a value: one frame through a 6LoWPAN link in this process.
        new LowPanLink(new LowPanLinkOptions()).Receive([0x41]);
        using var http = new HttpClient();
        string text = await http.GetStringAsync(new Uri($"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}/metrics"), ct);
        await host.StopAsync(ct);
        Assert.Contains("shortrange_gateway_mqtt_connected", text, StringComparison.Ordinal);
        Assert.Contains("shortrange_gateway_mqtt_buffered", text, StringComparison.Ordinal);
        Assert.Contains("shortrange_lowpan_frames_received", text, StringComparison.Ordinal);
    }
}
