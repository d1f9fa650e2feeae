using System.Net;
using System.Net.Sockets;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.Transport;
using ShortRange.LowPan.Tun;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// The host's own IPv6 stack talks through a real TUN device, our bridge and an in-memory 802.15.4 medium to a
/// second LowPanLink playing the remote node. Skips where /dev/net/tun is missing or not permitted.
/// </summary>
public sealed class TunBridgeTests : IAsyncDisposable
{
    private readonly InMemoryMedium _medium = new();
    private LowPanTunBridge? _bridge;
    private IFrameTransport? _remoteRadio;

    private static readonly byte[] HostLinkLocal = IPAddress.Parse("fe80::211:2233:4455:6677").GetAddressBytes();
    private static readonly byte[] RemoteLinkLocal = IPAddress.Parse("fe80::8a99:aabb:ccdd:eeff").GetAddressBytes();

    private LowPanLink Start()
    {
        Assert.SkipUnless(TunDevice.IsSupported, "/dev/net/tun is missing.");
        TunDevice tun;
        try { tun = TunDevice.Create("srlp%d"); }
        catch (LowPanSystemException e) { Assert.Skip($"Cannot create a TUN device here (needs CAP_NET_ADMIN): {e.Message}"); throw; }
        // No DAD on the test interface, so the link-local address is usable at once.
        File.WriteAllText($"/proc/sys/net/ipv6/conf/{tun.Name}/accept_dad", "0");
        var link = new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x0011223344556677 });
        _bridge = new LowPanTunBridge(tun, link, _medium.Attach());
        _remoteRadio = _medium.Attach();
        _bridge.Start();
        return new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x8899AABBCCDDEEFF });
    }

    private async Task<byte[]> ReceiveAsync(LowPanLink remote, Func<byte[], bool> match, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        var buf = new byte[256];
        while (true)
        {
            int n = await _remoteRadio!.ReceiveAsync(buf, cts.Token);
            var packet = remote.Receive(buf.AsSpan(0, n));
            if (packet is not null && match(packet)) return packet;
        }
    }

    private async Task SendAsync(LowPanLink remote, byte[] packet)
    {
        var frames = new List<byte[]>();
        remote.Send(packet, MacAddress.FromExtended(0x0011223344556677), f => frames.Add(f.ToArray()));
        foreach (var f in frames) await _remoteRadio!.SendAsync(f, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1232)]
    public async Task Host_udp_socket_reaches_the_remote_node_and_back(int size)
    {
        var remote = Start();
        int scope = _bridge!.Tun.InterfaceIndex;
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        int hostPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        // host → remote (fragmented when large)
        // The new interface's link-local address can take a moment to become usable as a source (EADDRNOTAVAIL).
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await socket.SendToAsync(payload, new IPEndPoint(new IPAddress(RemoteLinkLocal, scope), 7777), TestContext.Current.CancellationToken);
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable && attempt < 50)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
        var got = await ReceiveAsync(remote, p => p[6] == Ipv6.NextHeaderUdp && p[42] == 7777 >> 8 && p[43] == (7777 & 0xFF));
        Assert.Equal(HostLinkLocal, got[8..24]);
        Assert.Equal(payload, got[48..]);
        Assert.Equal(0, Ipv6.UpperLayerChecksum(got.AsSpan(8, 16), got.AsSpan(24, 16), Ipv6.NextHeaderUdp, got.AsSpan(40)));

        // remote → host
        var reply = Packets.Udp(RemoteLinkLocal, HostLinkLocal, 7777, (ushort)hostPort, payload);
        await SendAsync(remote, reply);
        var buf = new byte[2048];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        var r = await socket.ReceiveFromAsync(buf, new IPEndPoint(IPAddress.IPv6Any, 0), cts.Token);
        Assert.Equal(payload, buf[..r.ReceivedBytes]);
        var from = (IPEndPoint)r.RemoteEndPoint;
        Assert.Equal(new IPAddress(RemoteLinkLocal, scope), from.Address);
        Assert.Equal(7777, from.Port);
    }

    [Fact]
    public async Task Host_answers_icmpv6_echo_from_the_remote_node()
    {
        var remote = Start();
        var echo = Packets.Icmpv6Echo(RemoteLinkLocal, HostLinkLocal, 0x1234, 1, "ping"u8);
        // Resend until answered: the new interface may not accept packets for its address in the first instant.
        byte[]? reply = null;
        for (int attempt = 0; reply is null && attempt < 20; attempt++)
        {
            await SendAsync(remote, echo);
            try { reply = await ReceiveAsync(remote, p => p[6] == Ipv6.NextHeaderIcmpv6 && p[40] == 129, TimeSpan.FromMilliseconds(500)); }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested) { }
        }
        Assert.NotNull(reply);
        Assert.Equal(HostLinkLocal, reply[8..24]);
        Assert.Equal(RemoteLinkLocal, reply[24..40]);
        Assert.Equal("ping"u8.ToArray(), reply[48..]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_bridge is not null) await _bridge.DisposeAsync();
        if (_remoteRadio is not null) await _remoteRadio.DisposeAsync();
    }
}
