using System.Net;
using System.Reactive.Linq;
using ShortRange.Linux.Netlink;

namespace ShortRange.Linux.Tests.Netlink;

/// <summary>
/// Real rtnetlink changes, isolated in fresh anonymous network namespaces (unshare(CLONE_NEWNET) on a dedicated thread),
/// so the host's interfaces are never touched. The namespace vanishes when its fd and sockets close, even if a test fails.
/// </summary>
public class RtNetlinkNamespaceTests
{
    private static NetworkNamespace CreateOrSkip()
    {
        try
        {
            return NetworkNamespace.CreateAnonymous();
        }
        catch (ShortRange.Linux.Sockets.NativeSocketException e)
        {
            Assert.Skip("cannot create a network namespace here (needs root/CAP_SYS_ADMIN): " + e.Message);
            throw;
        }
    }

    [Fact]
    public async Task Veth_lifecycle_with_events_in_a_fresh_namespace()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ns = CreateOrSkip();
        using var rt = RtNetlinkClient.Open(ns);

        var links = await rt.GetLinksAsync(ct);
        Assert.Equal(["lo"], links.Select(l => l.Name)); // a fresh namespace has only lo

        var events = new List<LinkEvent>();
        var added = new TaskCompletionSource<LinkEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var removed = new TaskCompletionSource<LinkEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = rt.LinkEvents.Subscribe(e =>
        {
            if (e.Link.Name == "sr0" && !e.Removed) added.TrySetResult(e);
            if (e.Link.Name == "sr0" && e.Removed) removed.TrySetResult(e);
        });

        await rt.CreateVethAsync("sr0", "sr1", ct);
        var ev = await added.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal("veth", ev.Link.Kind);
        Assert.Equal(6, ev.Link.HardwareAddress.Length);

        var sr0 = (await rt.GetLinksAsync(ct)).Single(l => l.Name == "sr0");
        var sr1 = (await rt.GetLinksAsync(ct)).Single(l => l.Name == "sr1");
        Assert.False(sr0.IsUp);
        await rt.SetLinkUpAsync(sr0.Index, true, ct);
        await rt.SetLinkUpAsync(sr1.Index, true, ct);
        Assert.True((await rt.GetLinksAsync(ct)).Single(l => l.Name == "sr0").IsUp);

        await rt.AddAddressAsync(sr0.Index, IPAddress.Parse("10.123.0.1"), 24, ct);
        await rt.AddAddressAsync(sr0.Index, IPAddress.Parse("fd00:5352::1"), 64, ct);
        var dup = await Assert.ThrowsAsync<NetlinkException>(() => rt.AddAddressAsync(sr0.Index, IPAddress.Parse("10.123.0.1"), 24, ct));
        Assert.Equal(ShortRange.Linux.Sockets.Errno.EEXIST, dup.ErrorNumber);

        await rt.DeleteLinkAsync(sr0.Index, ct);
        await removed.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(["lo"], (await rt.GetLinksAsync(ct)).Select(l => l.Name));
    }

    [Fact]
    public async Task Bridge_master_and_move_to_another_namespace()
    {
        var ct = TestContext.Current.CancellationToken;
        using var a = CreateOrSkip();
        using var b = CreateOrSkip();
        using var rtA = RtNetlinkClient.Open(a);
        using var rtB = RtNetlinkClient.Open(b);

        await rtA.CreateLinkAsync("br0", "bridge", cancellationToken: ct);
        await rtA.CreateVethAsync("va", "vb", ct);
        var linksA = await rtA.GetLinksAsync(ct);
        int br = linksA.Single(l => l.Name == "br0").Index;
        int va = linksA.Single(l => l.Name == "va").Index;
        int vb = linksA.Single(l => l.Name == "vb").Index;
        Assert.Equal("bridge", linksA.Single(l => l.Name == "br0").Kind);

        await rtA.SetMasterAsync(va, br, ct);
        Assert.Equal(br, (await rtA.GetLinksAsync(ct)).Single(l => l.Name == "va").Master);

        await rtA.MoveToNamespaceAsync(vb, b, ct);
        Assert.DoesNotContain(await rtA.GetLinksAsync(ct), l => l.Name == "vb");
        Assert.Contains(await rtB.GetLinksAsync(ct), l => l.Name == "vb" && l.Kind == "veth");
    }
}
