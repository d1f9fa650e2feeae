using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux;
using ShortRange.Linux.Netlink;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// BNEP PAN between the lab's two controllers, with no bluetoothd: hci1 serves NAP (bnep on a bridge), hci0 connects as
/// PANU. The PANU's bnep interface is moved into its own network namespace, so the pings and UDP below can only
/// reach the bridge across the BNEP link.
/// </summary>
public sealed partial class BnepHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PanOptions LabOptions = new()
    {
        BridgeName = "srpan0",
        ConnectTimeout = TimeSpan.FromSeconds(60),
        SetupAttemptTimeout = TimeSpan.FromSeconds(20),
        SetupRequestTimeout = TimeSpan.FromSeconds(60),
        InterfaceTimeout = TimeSpan.FromSeconds(30),
    };

    internal static async Task<(BluetoothDeviceAddress Local, BluetoothDeviceAddress Peer)> PowerUpAsync(string local, string peer)
    {
        var p = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        return (new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.BrEdr),
            new BluetoothDeviceAddress(p.PeerAddress, BluetoothAddressType.BrEdr));
    }

    [Fact]
    public async Task Panu_to_Nap_bnep_carries_ping_and_udp_between_namespaces_and_vanishes_on_dispose()
    {
        var (localName, peerName) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.Tool("ip");
        var (local, peer) = await PowerUpAsync(localName, peerName);
        using var rt = RtNetlinkClient.Open();
        string ns = "srbnep" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        await using var server = await PanServer.StartAsync(peer, BnepRole.Nap, LabOptions, cancellationToken: Ct);
        Assert.NotNull(server.BridgeIndex);
        var accept = server.AcceptAsync(Ct);
        var sw = Stopwatch.StartNew();
        await using var client = await PanClient.ConnectAsync(local, peer, BnepRole.Nap, options: LabOptions, cancellationToken: Ct);
        await using var served = await accept.WaitAsync(TimeSpan.FromSeconds(90), Ct);
        Report($"PAN connect (L2CAP + BNEP setup + bnep up, both ends): {sw.ElapsedMilliseconds} ms; client {client.InterfaceName}, server {served.InterfaceName}");

        // Both interfaces exist, are up, and the NAP's is enslaved to the bridge.
        var links = await rt.GetLinksAsync(Ct);
        var c = Assert.Single(links, l => l.Name == client.InterfaceName);
        var s = Assert.Single(links, l => l.Name == served.InterfaceName);
        Assert.True(c.IsUp && s.IsUp);
        Assert.Equal(server.BridgeIndex, s.Master);
        Assert.Equal(BnepRole.Panu, served.RemoteRole);
        Assert.Equal(peer.Value, client.Peer.Value);
        Assert.Equal(local.Value, served.Peer.Value);
        using (var control = BnepKernelControl.Open())
            Report($"BNEPGETSUPPFEAT = 0x{control.GetSupportedFeatures():X} (bit 0: the kernel answers the NAP's setup request)");
        var infos = BnepKernelControlList();
        Assert.Contains(infos, i => i.InterfaceName == client.InterfaceName && i.Role == BnepRole.Panu && i.Peer == peer.Value);
        Assert.Contains(infos, i => i.InterfaceName == served.InterfaceName && i.Role == BnepRole.Nap && i.Peer == local.Value);

        LabProcess.Run("ip", "netns", "add", ns).EnsureSuccess();
        try
        {
            using var netns = NetworkNamespace.Open("/run/netns/" + ns);
            await rt.MoveToNamespaceAsync(client.InterfaceIndex, netns, Ct);
            using var rtNs = RtNetlinkClient.Open(netns);
            var nsLinks = await rtNs.GetLinksAsync(Ct);
            var inNs = Assert.Single(nsLinks, l => l.Name == client.InterfaceName);
            Assert.DoesNotContain(await rt.GetLinksAsync(Ct), l => l.Name == client.InterfaceName);
            Assert.False(client.Down.IsCompleted, "moving the interface to another namespace is not a link-down");
            await rtNs.SetLinkUpAsync(nsLinks.Single(l => l.Name == "lo").Index, true, Ct);
            await rtNs.SetLinkUpAsync(inNs.Index, true, Ct);
            await rtNs.AddAddressAsync(inNs.Index, IPAddress.Parse("10.77.0.2"), 24, Ct);
            await rt.AddAddressAsync(server.BridgeIndex!.Value, IPAddress.Parse("10.77.0.1"), 24, Ct);
            // IPv6 without duplicate address detection (nodad) so the addresses are usable at once.
            LabProcess.Run("ip", "-6", "addr", "add", "fd77::1/64", "dev", server.BridgeName!, "nodad").EnsureSuccess();
            LabProcess.Run("ip", "netns", "exec", ns, "ip", "-6", "addr", "add", "fd77::2/64", "dev", client.InterfaceName, "nodad").EnsureSuccess();

            // The namespace holds only lo and the PANU's bnep: these replies crossed the BNEP link.
            var ping4 = LabProcess.Run("ip", ["netns", "exec", ns, .. Ping, "-c", "5", "-i", "1", "-W", "15", "10.77.0.1"], TimeSpan.FromSeconds(120));
            Assert.True(ping4.ExitCode == 0, ping4.StandardOutput + ping4.StandardError);
            Report("IPv4 ping over bnep: " + RttLine(ping4.StandardOutput));
            var ping6 = LabProcess.Run("ip", ["netns", "exec", ns, .. Ping, "-6", "-c", "5", "-i", "1", "-W", "15", "fd77::1"], TimeSpan.FromSeconds(120));
            Assert.True(ping6.ExitCode == 0, ping6.StandardOutput + ping6.StandardError);
            Report("IPv6 ping over bnep: " + RttLine(ping6.StandardOutput));

            await UdpEchoAsync(netns);

            // Dispose the PANU: BNEPCONNDEL, its bnep leaves the namespace, and the NAP's session ends with the L2CAP link.
            await client.DisposeAsync();
            Assert.True(client.Down.IsCompleted);
            Assert.DoesNotContain(await rtNs.GetLinksAsync(Ct), l => l.Name == client.InterfaceName);
            await served.Down.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.DoesNotContain(await rt.GetLinksAsync(Ct), l => l.Name == served.InterfaceName);
            Assert.Null(served.GetKernelInfo());
        }
        finally
        {
            LabProcess.Run("ip", "netns", "del", ns);
        }
    }

    [Fact]
    public async Task Connecting_as_Panu_to_a_Panu_only_listener_expecting_Nap_is_refused_with_the_spec_code()
    {
        var (localName, peerName) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var (local, peer) = await PowerUpAsync(localName, peerName);
        await using var server = await PanServer.StartAsync(peer, BnepRole.Gn, LabOptions with { BridgeName = "srpan1" }, cancellationToken: Ct);
        var accept = server.AcceptAsync(Ct);
        // We ask for NAP; the server serves GN: "Invalid Destination Service UUID".
        var e = await Assert.ThrowsAsync<BnepSetupRefusedException>(() =>
            PanClient.ConnectAsync(local, peer, BnepRole.Nap, options: LabOptions, cancellationToken: Ct));
        Assert.Equal(BnepSetupResponseCode.InvalidDestinationServiceUuid, e.Code);
        Assert.True(e.ByPeer);
        Assert.Contains("Invalid Destination Service UUID", e.Message, StringComparison.Ordinal);
        await LabProcessWait(() => server.RefusedCount == 1, TimeSpan.FromSeconds(30));
        Assert.False(accept.IsCompleted);
        Assert.Empty(BnepKernelControlList());
    }

    private static async Task LabProcessWait(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(100, Ct);
        }
    }

    private static IReadOnlyList<BnepConnectionInfo> BnepKernelControlList()
    {
        using var k = BnepKernelControl.Open();
        return k.GetConnections();
    }

    private static async Task UdpEchoAsync(NetworkNamespace netns)
    {
        const int Port = 47015, Count = 300, Size = 1400;
        using var echo = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        echo.Bind(new IPEndPoint(IPAddress.Parse("10.77.0.1"), Port));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var server = Task.Run(async () =>
        {
            var buf = new byte[2048];
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            // Ends only by cancellation (asserted below); a loop condition on the token would let it end normally.
            while (true)
            {
                var r = await echo.ReceiveFromAsync(buf, SocketFlags.None, any, cts.Token);
                await echo.SendToAsync(buf.AsMemory(0, r.ReceivedBytes), SocketFlags.None, r.RemoteEndPoint, cts.Token);
            }
        }, cts.Token);
        using var udp = netns.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        udp.Bind(new IPEndPoint(IPAddress.Parse("10.77.0.2"), 0));
        udp.Connect(new IPEndPoint(IPAddress.Parse("10.77.0.1"), Port));
        var payload = new byte[Size];
        var back = new byte[2048];
        var rtts = new List<double>(Count);
        var total = Stopwatch.StartNew();
        for (int i = 0; i < Count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            payload[Size - 1] = (byte)i;
            var one = Stopwatch.StartNew();
            await udp.SendAsync(payload, SocketFlags.None, Ct);
            using var t = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            t.CancelAfter(TimeSpan.FromSeconds(15));
            int n = await udp.ReceiveAsync(back, SocketFlags.None, t.Token);
            rtts.Add(one.Elapsed.TotalMilliseconds);
            Assert.Equal(Size, n);
            Assert.True(back.AsSpan(0, n).SequenceEqual(payload), $"echo {i} differs");
        }
        total.Stop();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
        rtts.Sort();
        double bytes = 2.0 * Count * Size;
        Report(string.Create(CultureInfo.InvariantCulture,
            $"UDP echo over bnep: {Count} x {Size} B, RTT median {rtts[Count / 2]:F2} ms, p95 {rtts[Count * 95 / 100]:F2} ms; " +
            $"{bytes / total.Elapsed.TotalSeconds / 1024:F0} KiB/s both directions (one datagram in flight)"));
    }

    /// <summary>ping, or busybox's when iputils is not installed (the lab's root has busybox-static).</summary>
    private static string[] Ping => LabProcess.FindTool("ping") is { } p ? [p] : LabProcess.FindTool("busybox") is { } b ? [b, "ping"]
        : throw new InvalidOperationException("neither ping nor busybox is installed");

    private static string RttLine(string pingOutput) => RttRegex().Match(pingOutput) is { Success: true } m ? m.Value : pingOutput.Trim();

    [GeneratedRegex(@"rtt min/avg/max/mdev = \S+ ms|round-trip min/avg/max = \S+ ms")]
    private static partial Regex RttRegex();

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@BNEP " + line);
    }
}
