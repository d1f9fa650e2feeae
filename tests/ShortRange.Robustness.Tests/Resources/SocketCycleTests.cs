using System.Net.Sockets;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.LowPan.Transport;
using ShortRange.LowPan.Tun;

namespace ShortRange.Robustness.Tests.Resources;

/// <summary>
/// 1000 open/close cycles of every socket type this host's kernel offers leave the fd count and memory flat.
/// (AF_BLUETOOTH and AF_NFC exist only in the lab: hwtests/ShortRange.HwTests/Soak.) Tests run one at a time
/// (one collection) so fd counts are not disturbed by each other.
/// </summary>
[Collection(nameof(ResourceCollection))]
public class SocketCycleTests
{
    [Fact]
    public Task Netlink_route_socket_with_a_request()
    {
        return ResourceProbe.AssertFlatAsync("rtnetlink open + RTM_GETLINK dump + close", async _ =>
        {
            using var rt = RtNetlinkClient.Open();
            Assert.Contains(await rt.GetLinksAsync(TestContext.Current.CancellationToken), l => l.Name == "lo");
        });
    }

    [Fact]
    public Task Generic_netlink_socket_with_family_resolution()
    {
        return ResourceProbe.AssertFlatAsync("genetlink open + resolve nlctrl + close", async _ =>
        {
            using var genl = GenericNetlinkClient.Open();
            var family = await genl.ResolveFamilyAsync("nlctrl", TestContext.Current.CancellationToken);
            Assert.Equal(0x10, family.Id);
        });
    }

    [Fact]
    public Task Netlink_multicast_subscription()
    {
        using var rt = RtNetlinkClient.Open();
        return ResourceProbe.AssertFlatAsync("rtnetlink LinkEvents subscribe + dispose", _ =>
        {
            using var sub = rt.LinkEvents.Subscribe(_ => { }, _ => { });
            return Task.CompletedTask;
        });
    }

    internal const string NeedsRoot = "needs root (CAP_NET_RAW for AF_PACKET, CAP_NET_ADMIN for TUN)";

    [Fact]
    public Task Packet_socket_on_lo()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, NeedsRoot);
        return ResourceProbe.AssertFlatAsync("AF_PACKET (ETH_P_IEEE802154) open/bind lo + cancelled receive + close", async _ =>
        {
            await using var t = OpenPacket();
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
            try { await t.ReceiveAsync(new byte[128], cts.Token); }
            catch (OperationCanceledException) { }
        }, parallelism: 8);
    }

    private static PacketFrameTransport OpenPacket()
    {
        try { return PacketFrameTransport.Open("lo"); }
        catch (ShortRange.LowPan.Errors.LowPanSystemException e) when (e.Errno == 1) { Assert.Skip("AF_PACKET needs CAP_NET_RAW: " + e.Message); throw; }
    }

    [Fact]
    public Task Native_socket_factory_netlink_and_packet()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, NeedsRoot);
        return ResourceProbe.AssertFlatAsync("NativeSocket AF_NETLINK + AF_PACKET create/bind/close", _ =>
        {
            using (var nl = NativeSocket.Create(LinuxAddressFamily.AF_NETLINK, SocketType.Raw, NetlinkConstants.NETLINK_ROUTE))
                nl.Bind(new NetlinkSocketAddress());
            using (var p = NativeSocket.Create(LinuxAddressFamily.AF_PACKET, SocketType.Raw, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(PacketSocketConstants.ETH_P_ALL)))
                p.Bind(new PacketSocketAddress(PacketSocketConstants.ETH_P_ALL, 1));
            return Task.CompletedTask;
        }, parallelism: 8);
    }

    [Fact]
    public Task Tun_device()
    {
        Assert.SkipUnless(TunDevice.IsSupported, "/dev/net/tun is absent");
        Assert.SkipUnless(Environment.IsPrivilegedProcess, NeedsRoot);
        return ResourceProbe.AssertFlatAsync("TUN create (netdev) + close", _ =>
        {
            using var tun = TunDevice.Create("srsoak%d");
            Assert.StartsWith("srsoak", tun.Name, StringComparison.Ordinal);
            return Task.CompletedTask;
        }, parallelism: 8);
    }
}

[CollectionDefinition(nameof(ResourceCollection), DisableParallelization = true)]
public sealed class ResourceCollection;
