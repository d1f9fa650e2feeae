using ShortRange.HwTests.Infrastructure;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using ShortRange.Linux;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.Nl802154;
using ShortRange.LowPan.Transport;
using ShortRange.LowPan.Tun;

namespace ShortRange.HwTests.LowPan;

/// <summary>
/// Ordinary IPv6 applications (ping, UDP sockets) on the host side of our TUN interface talk to the kernel's lowpan1.
/// The kernel's wpan1 (its PHY, moved with nl802154 NL802154_CMD_SET_WPAN_PHY_NETNS) and lowpan1 live in their own
/// network namespace, so every packet really crosses mac802154_hwsim: host stack → TUN → our 6LoWPAN on wpan0 → radio →
/// wpan1 → kernel 6LoWPAN → the namespace's stack, and back. Addresses are not IID-derived on the global prefix, so
/// both sides resolve each other with Neighbor Solicitations.
/// </summary>
public sealed class TunBridgeHwTests : IAsyncDisposable
{
    private const string Netns = "srlowpan";
    private static readonly IPAddress KernelGlobal = IPAddress.Parse("2001:db8:15::1");
    private static readonly IPAddress OurGlobal = IPAddress.Parse("2001:db8:15::2");

    private LowPanTunBridge? _bridge;
    private string? _phyName;
    private ushort? _kernelShort;

    private static string InNetns(string command) => WpanLab.Run($"ip netns exec {Netns} sh -c '{command}'");

    private async Task<LowPanTunBridge> StartAsync()
    {
        WpanLab.RequireRadios();
        LabRequire.That(TunDevice.IsSupported, "No /dev/net/tun.");
        var ct = TestContext.Current.CancellationToken;
        WpanLab.Run("modprobe nhc_udp 2>/dev/null; true");
        WpanLab.Run("ip link del lowpan1 2>/dev/null; ip link set wpan0 down; ip link set wpan1 down; true");
        WpanLab.Run($"iwpan dev wpan0 set pan_id 0x{WpanLab.PanId:x4} && iwpan dev wpan1 set pan_id 0x{WpanLab.PanId:x4}");
        ulong ours = WpanLab.ExtendedAddress("wpan0");

        using (var nl = await Nl802154Client.OpenAsync(ct))
        {
            var wpan1 = Assert.Single(await nl.ListInterfacesAsync(ct), i => i.Name == "wpan1");
            // Other tests may have given wpan1 a short address (it cannot be unset); the kernel then sends from it.
            _kernelShort = wpan1.ShortAddress < 0xFFFE ? wpan1.ShortAddress : null;
            _phyName = Assert.Single(await nl.ListPhysAsync(ct), p => p.Index == wpan1.Phy).Name;
            WpanLab.Run($"ip netns del {Netns} 2>/dev/null; ip netns add {Netns}");
            using var ns = NetworkNamespace.Open($"/run/netns/{Netns}");
            await nl.MovePhyToNamespaceAsync(wpan1.Phy, ns, ct);
        }
        Assert.False(Directory.Exists("/sys/class/net/wpan1") && WpanLab.Run("ip -o link").Contains(" wpan1:", StringComparison.Ordinal),
            "wpan1 is still in the initial namespace.");
        InNetns("ip link set lo up; ip link add link wpan1 name lowpan1 type lowpan; sysctl -q -w net.ipv6.conf.lowpan1.accept_dad=0; " +
            $"ip link set wpan1 up && ip link set lowpan1 up && ip -6 addr add {KernelGlobal}/64 dev lowpan1 nodad");
        WpanLab.Run("ip link set wpan0 up");

        var options = new LowPanLinkOptions { PanId = WpanLab.PanId, ExtendedAddress = ours, NeighbourDiscovery = true };
        options.Addresses.Add(OurGlobal.GetAddressBytes());
        _bridge = new LowPanTunBridge(TunDevice.Create("srlp%d"), new LowPanLink(options), PacketFrameTransport.Open("wpan0"));
        _bridge.Start();
        return _bridge;
    }

    private static string LinkLocal(ulong extended)
    {
        var a = new byte[16];
        a[0] = 0xFE; a[1] = 0x80;
        MacAddress.FromExtended(extended).WriteInterfaceIdentifier(a.AsSpan(8));
        return new IPAddress(a).ToString();
    }

    /// <summary>
    /// Two ICMPv6 echoes answered (System.Net.NetworkInformation.Ping: a raw ICMPv6 socket as root, like ping6), from the
    /// host side or from inside the kernel's namespace (the socket is created on a thread that entered it). Up to 5
    /// tries of 20 s each: the first echo waits for neighbour resolution, and TCG is slow.
    /// </summary>
    private static void Ping(IPAddress target, bool fromKernel)
    {
        int answered = 0;
        var statuses = new List<IPStatus>();
        for (int i = 0; i < 5 && answered < 2; i++)
        {
            IPStatus status;
            if (fromKernel)
            {
                using var ns = NetworkNamespace.Open($"/run/netns/{Netns}");
                status = ns.Run(() => { using var p = new Ping(); return p.Send(target, 20_000, "shortrange"u8.ToArray()).Status; });
            }
            else
            {
                using var p = new Ping();
                status = p.Send(target, 20_000, "shortrange"u8.ToArray()).Status;
            }
            statuses.Add(status);
            if (status == IPStatus.Success) answered++;
        }
        Assert.True(answered == 2, $"ping {target} from {(fromKernel ? "the kernel's namespace" : "the host")}: {string.Join(", ", statuses)}");
    }

    /// <summary>The same with the `ping -6` program (busybox's, which the lab always has; iputils when installed).</summary>
    private static void PingTool(IPAddress target, bool fromKernel)
    {
        string? tool = File.Exists("/usr/bin/ping") || File.Exists("/bin/ping") ? "ping"
            : File.Exists("/usr/bin/busybox") || File.Exists("/bin/busybox") ? "busybox ping" : null;
        if (tool is null)
        {
            TestContext.Current.TestOutputHelper?.WriteLine("No ping program (iputils or busybox): only the Ping API was used.");
            return;
        }
        string cmd = $"{tool} -6 -c 2 -w 40 {target}";
        var output = fromKernel ? InNetns(cmd) : WpanLab.Run(cmd);
        Assert.Matches(@"2 (packets )?received", output);
    }

    [Fact]
    public async Task Ping_crosses_the_radio_both_ways_with_neighbour_discovery()
    {
        var bridge = await StartAsync();
        ulong kernelExt = ulong.Parse(InNetns("cat /sys/class/net/wpan1/address").Trim().Replace(":", "", StringComparison.Ordinal),
            NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        // Host → kernel on the global prefix: the kernel's address is not IID-derived, so our link must solicit it.
        Ping(KernelGlobal, fromKernel: false);
        Assert.True(bridge.Link.Neighbours.TryGet(KernelGlobal.GetAddressBytes(), out var learned));
        Assert.True(learned == MacAddress.FromExtended(kernelExt) || (_kernelShort is { } sa && learned == MacAddress.FromShort(sa)),
            $"learned {learned} for {KernelGlobal}");

        // Kernel → host: the kernel solicits our global address, our link answers with its EUI-64 in the TLLAO.
        Ping(OurGlobal, fromKernel: true);
        string neigh = InNetns($"ip -6 neigh show {OurGlobal} dev lowpan1");
        string ourLl = string.Join(':', BitConverter.GetBytes(WpanLab.ExtendedAddress("wpan0")).Reverse().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        Assert.Contains($"lladdr {ourLl}", neigh, StringComparison.Ordinal);

        // Link-local both ways (IID ⇄ EUI-64 mapping).
        Ping(new IPAddress(IPAddress.Parse(LinkLocal(kernelExt)).GetAddressBytes(), bridge.Tun.InterfaceIndex), fromKernel: false);
        int lowpan1 = int.Parse(InNetns("cat /sys/class/net/lowpan1/ifindex").Trim(), CultureInfo.InvariantCulture);
        Ping(new IPAddress(IPAddress.Parse(LinkLocal(WpanLab.ExtendedAddress("wpan0"))).GetAddressBytes(), lowpan1), fromKernel: true);

        // And the ping program itself, both ways.
        PingTool(KernelGlobal, fromKernel: false);
        PingTool(OurGlobal, fromKernel: true);
        Assert.True(bridge.PacketsToHost >= 4 && bridge.PacketsToRadio >= 4, $"{bridge.PacketsToHost} to host, {bridge.PacketsToRadio} to radio");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1232)]
    public async Task Host_udp_socket_and_kernel_udp_socket_exchange_datagrams(int size)
    {
        await StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using var ns = NetworkNamespace.Open($"/run/netns/{Netns}");
        // A socket keeps the namespace it was created in: this one lives behind the kernel's lowpan1.
        using var kernelSide = ns.Run(() =>
        {
            var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(KernelGlobal, 7100));
            return s;
        });
        using var host = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        host.Bind(new IPEndPoint(OurGlobal, 0));
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        var buf = new byte[2048];
        await host.SendToAsync(payload, new IPEndPoint(KernelGlobal, 7100), cts.Token);
        var r = await kernelSide.ReceiveFromAsync(buf, new IPEndPoint(IPAddress.IPv6Any, 0), cts.Token);
        Assert.Equal(payload, buf[..r.ReceivedBytes]);
        var from = (IPEndPoint)r.RemoteEndPoint;
        Assert.Equal(OurGlobal, from.Address);

        var answer = payload.Reverse().ToArray();
        await kernelSide.SendToAsync(answer, from, cts.Token);
        var back = await host.ReceiveFromAsync(buf, new IPEndPoint(IPAddress.IPv6Any, 0), cts.Token);
        Assert.Equal(answer, buf[..back.ReceivedBytes]);
        Assert.Equal(new IPEndPoint(KernelGlobal, 7100), back.RemoteEndPoint);
    }

    public async ValueTask DisposeAsync()
    {
        if (_bridge is not null) await _bridge.DisposeAsync();
        if (_phyName is null) return;
        // Give the PHY back to the initial namespace (pid 1) so the other tests find wpan1 where the lab put it.
        WpanLab.Run($"ip netns exec {Netns} sh -c 'ip link del lowpan1 2>/dev/null; ip link set wpan1 down; iwpan phy {_phyName} set netns 1'; " +
            $"ip netns del {Netns}; true");
        for (int i = 0; i < 50 && !Directory.Exists("/sys/class/net/wpan1"); i++) await Task.Delay(100);
    }
}
