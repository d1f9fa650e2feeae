using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ShortRange.HwTests.Infrastructure;
using ShortRange.HwTests.LowPan;
using ShortRange.Linux;
using ShortRange.LowPan.Nl802154;
using ShortRange.LowPan.Tun;

namespace ShortRange.HwTests.Gateway;

/// <summary>
/// The gateway process against mosquitto in the guest, with the kernel's own 6LoWPAN as the node: wpan1's PHY is moved
/// into a network namespace with lowpan1 on it (as in TunBridgeHwTests), so every datagram crosses mac802154_hwsim from
/// the kernel's 6LoWPAN to our user-space one on wpan0. The node's UDP datagram must appear on the broker (read by
/// mosquitto_sub), an MQTT command must reach the node's UDP socket, and SIGTERM must stop the gateway cleanly.
/// </summary>
public sealed class GatewayLowPanHwTests : IDisposable
{
    private const string Netns = "srgw";
    private const int GatewayPort = 5683, NodePort = 7100;
    private static readonly IPAddress Node = IPAddress.Parse("2001:db8:17::1");
    private static readonly IPAddress Ours = IPAddress.Parse("2001:db8:17::2");
    private string? _phyName;
    private NetworkNamespace? _ns;

    private static string InNetns(string command) => WpanLab.Run($"ip netns exec {Netns} sh -c '{command}'");

    private async Task<Socket> StartNodeAsync()
    {
        WpanLab.RequireRadios();
        LabRequire.That(TunDevice.IsSupported, "No /dev/net/tun.");
        var ct = TestContext.Current.CancellationToken;
        WpanLab.Run("modprobe nhc_udp 2>/dev/null; true");
        WpanLab.Run("ip link del lowpan1 2>/dev/null; ip link set wpan0 down; ip link set wpan1 down; true");
        WpanLab.Run($"iwpan dev wpan0 set pan_id 0x{WpanLab.PanId:x4} && iwpan dev wpan1 set pan_id 0x{WpanLab.PanId:x4}");
        using (var nl = await Nl802154Client.OpenAsync(ct))
        {
            var wpan1 = Assert.Single(await nl.ListInterfacesAsync(ct), i => i.Name == "wpan1");
            _phyName = Assert.Single(await nl.ListPhysAsync(ct), p => p.Index == wpan1.Phy).Name;
            WpanLab.Run($"ip netns del {Netns} 2>/dev/null; ip netns add {Netns}");
            using var ns = NetworkNamespace.Open($"/run/netns/{Netns}");
            await nl.MovePhyToNamespaceAsync(wpan1.Phy, ns, ct);
        }
        InNetns("ip link set lo up; ip link add link wpan1 name lowpan1 type lowpan; sysctl -q -w net.ipv6.conf.lowpan1.accept_dad=0; " +
            $"ip link set wpan1 up && ip link set lowpan1 up && ip -6 addr add {Node}/64 dev lowpan1 nodad");
        WpanLab.Run("ip link set wpan0 up");
        _ns = NetworkNamespace.Open($"/run/netns/{Netns}");
        // A socket keeps the namespace it was created in: this one is the node behind the kernel's lowpan1.
        return _ns.Run(() =>
        {
            var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(Node, NodePort));
            return s;
        });
    }

    private static LabGateway StartGateway()
    {
        var gw = new LabGateway();
        gw.StartGateway("--Gateway:Discovery:Enabled=false", "--Gateway:LowPan:Interface=wpan0", $"--Gateway:LowPan:UdpPort={GatewayPort}",
            $"--Gateway:LowPan:Addresses:0={Ours}", "--Gateway:Mqtt:BufferCapacity=5000");
        gw.WaitForLog($"UDP port {GatewayPort} forwarded to MQTT");
        return gw;
    }

    private static JsonElement Json(string line) => JsonDocument.Parse(line[(line.IndexOf(' ', line.IndexOf(' ', StringComparison.Ordinal) + 1) + 1)..]).RootElement;

    [Fact]
    public async Task A_node_datagram_reaches_the_broker_a_command_reaches_the_node_and_sigterm_stops_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var node = await StartNodeAsync();
        using var gw = StartGateway();

        await node.SendToAsync("temperature=21.5"u8.ToArray(), new IPEndPoint(Ours, GatewayPort), ct);
        string line = gw.WaitFor(l => l.Contains($" lab/lowpan/rx/{Node} ", StringComparison.Ordinal), "datagram from the node");
        var json = Json(line);
        Assert.Equal("shortrange.gateway.lowpan.datagram/1", json.GetProperty("schema").GetString());
        Assert.Equal(Node.ToString(), json.GetProperty("source").GetString());
        Assert.Equal(NodePort, json.GetProperty("sourcePort").GetInt32());
        Assert.Equal(GatewayPort, json.GetProperty("port").GetInt32());
        Assert.Equal("temperature=21.5", Encoding.UTF8.GetString(json.GetProperty("payload").GetBytesFromBase64()));

        // MQTT → node: the payload as a UDP datagram from the gateway's port.
        gw.Publish($"lab/lowpan/tx/{Node}/{NodePort}", "led=on");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(LabGateway.Wait);
        var buf = new byte[256];
        var r = await node.ReceiveFromAsync(buf, new IPEndPoint(IPAddress.IPv6Any, 0), cts.Token);
        Assert.Equal("led=on", Encoding.UTF8.GetString(buf, 0, r.ReceivedBytes));
        Assert.Equal(new IPEndPoint(Ours, GatewayPort), r.RemoteEndPoint);

        Assert.Equal(0, gw.Terminate());
        gw.WaitFor(l => l.Contains(" lab/status ", StringComparison.Ordinal) && l.Contains("\"offline\"", StringComparison.Ordinal), "offline status after SIGTERM");
        Assert.Contains(gw.GatewayOutput, l => l.Contains("MQTT stopped:", StringComparison.Ordinal));
    }

    /// <summary>
    /// BENCHMARKS.md: latency from the node's send (CLOCK_REALTIME in the payload) to mosquitto_sub's receive time (%U, the
    /// same clock in the same guest), over 1,000 datagrams at 20 per second, and the gateway's RSS sampled once a second.
    /// Prints "@@GATEWAY" lines. Nothing may be lost. SHORTRANGE_GATEWAY_BENCH_COUNT=12000 makes it the 10-minute memory run.
    /// </summary>
    [Fact]
    public async Task Latency_of_1000_node_datagrams_to_the_broker_and_gateway_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        using var node = await StartNodeAsync();
        using var gw = StartGateway();
        int count = int.TryParse(Environment.GetEnvironmentVariable("SHORTRANGE_GATEWAY_BENCH_COUNT"), CultureInfo.InvariantCulture, out int c) ? c : 1000;
        var interval = TimeSpan.FromMilliseconds(50);

        // Warm-up: neighbour resolution and JIT, not measured.
        await node.SendToAsync("warmup"u8.ToArray(), new IPEndPoint(Ours, GatewayPort), ct);
        gw.WaitFor(l => l.Contains(" lab/lowpan/rx/", StringComparison.Ordinal), "warm-up datagram");

        var rss = new List<long> { gw.RssKiB() };
        var sw = Stopwatch.StartNew();
        var nextSample = TimeSpan.FromSeconds(1);
        for (int i = 0; i < count; i++)
        {
            long sentNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            await node.SendToAsync(Encoding.ASCII.GetBytes($"{i} {sentNs}"), new IPEndPoint(Ours, GatewayPort), ct);
            if (sw.Elapsed >= nextSample) { rss.Add(gw.RssKiB()); nextSample += TimeSpan.FromSeconds(1); }
            var due = interval * (i + 1) - sw.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
        }
        bool all = LabProcess.WaitUntil(() => gw.Messages.Count(l => l.Contains(" lab/lowpan/rx/", StringComparison.Ordinal)) >= count + 1, LabGateway.Wait);
        rss.Add(gw.RssKiB());

        var latencies = new List<double>();
        var seen = new HashSet<int>();
        foreach (string l in gw.Messages.Where(l => l.Contains(" lab/lowpan/rx/", StringComparison.Ordinal)))
        {
            string text = Encoding.ASCII.GetString(Json(l).GetProperty("payload").GetBytesFromBase64());
            if (text == "warmup") continue;
            var parts = text.Split(' ');
            if (!seen.Add(int.Parse(parts[0], CultureInfo.InvariantCulture))) continue;
            double receivedS = double.Parse(l[..l.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            latencies.Add(receivedS * 1000 - long.Parse(parts[1], CultureInfo.InvariantCulture) / 1e6);
        }
        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{count} datagrams in {sw.Elapsed.TotalSeconds:F1} s, {seen.Count} on the broker; latency ms p50 {P(0.5):F2} p90 {P(0.9):F2} p99 {P(0.99):F2} max {P(1):F2}; " +
            $"gateway RSS KiB start {rss[0]} max {rss.Max()} end {rss[^1]} ({rss.Count} samples; by minute: {string.Join(' ', rss.Where((_, k) => k % 60 == 0))})");
        Console.WriteLine("@@GATEWAY " + summary);
        TestContext.Current.SendDiagnosticMessage(summary);
        Assert.True(all && seen.Count == count, summary);
        Assert.Equal(0, gw.Terminate());
    }

    public void Dispose()
    {
        _ns?.Dispose();
        if (_phyName is null) return;
        // Give the PHY back to the initial namespace so the other tests find wpan1 where the lab put it.
        WpanLab.Run($"ip netns exec {Netns} sh -c 'ip link del lowpan1 2>/dev/null; ip link set wpan1 down; iwpan phy {_phyName} set netns 1'; " +
            $"ip netns del {Netns}; true");
        LabProcess.WaitUntil(() => Directory.Exists("/sys/class/net/wpan1"), TimeSpan.FromSeconds(5));
    }
}
