using System.Buffers.Binary;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Netlink.NetlinkConstants;

namespace ShortRange.Linux.Tests.Netlink;

/// <summary>Against this machine's kernel (NETLINK_ROUTE and NETLINK_GENERIC, read-only requests).</summary>
public class NetlinkSocketTests
{
    private const ushort RTM_GETLINK = 18, RTM_NEWLINK = 16;

    [Fact]
    public async Task Dump_returns_links_until_done()
    {
        using var nl = NetlinkSocket.Open(NETLINK_ROUTE);
        Assert.NotEqual(0u, nl.PortId);
        var links = await nl.RequestAsync(RTM_GETLINK, NLM_F_DUMP, new byte[16], TestContext.Current.CancellationToken);
        Assert.NotEmpty(links);
        Assert.All(links, m => Assert.Equal(RTM_NEWLINK, m.Type));
        Assert.Contains(links, m => BinaryPrimitives.ReadInt32LittleEndian(m.Payload.Span[4..]) == 1); // lo is ifindex 1
    }

    [Fact]
    public async Task Kernel_error_is_typed_with_errno()
    {
        using var nl = NetlinkSocket.Open(NETLINK_ROUTE);
        var ifi = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(ifi.AsSpan(4), 0x7FFFFF00); // no such interface
        var e = await Assert.ThrowsAsync<NetlinkException>(() => nl.RequestAsync(RTM_GETLINK, 0, ifi, TestContext.Current.CancellationToken));
        Assert.Equal(Errno.ENODEV, e.ErrorNumber);
        Assert.Contains("ENODEV", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generic_netlink_resolves_nlctrl_and_notify_group()
    {
        using var genl = GenericNetlinkClient.Open();
        var f = await genl.ResolveFamilyAsync("nlctrl", TestContext.Current.CancellationToken);
        Assert.Equal("nlctrl", f.Name);
        Assert.Equal(GenericNetlinkClient.GENL_ID_CTRL, f.Id);
        Assert.True(f.MulticastGroups.TryGetValue("notify", out uint gid));
        Assert.NotEqual(0u, gid);
    }

    [Fact]
    public async Task Unknown_generic_family_is_ENOENT_with_kernel_text()
    {
        using var genl = GenericNetlinkClient.Open();
        var e = await Assert.ThrowsAsync<NetlinkException>(() => genl.ResolveFamilyAsync("nosuchfam", TestContext.Current.CancellationToken));
        Assert.Equal(Errno.ENOENT, e.ErrorNumber);
    }

    [Fact]
    public async Task Policy_violation_carries_extended_ack_message()
    {
        // CTRL_ATTR_FAMILY_NAME is limited to GENL_NAMSIZ-1 = 15 bytes: the kernel rejects it with EINVAL and an extended-ACK text.
        using var genl = GenericNetlinkClient.Open();
        var e = await Assert.ThrowsAsync<NetlinkException>(() => genl.ResolveFamilyAsync("a-name-longer-than-15", TestContext.Current.CancellationToken));
        Assert.Equal(Errno.EINVAL, e.ErrorNumber);
        Assert.False(string.IsNullOrEmpty(e.ExtendedMessage));
        Assert.EndsWith(": " + e.ExtendedMessage, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_errors_observers_once_and_fails_new_requests()
    {
        var nl = NetlinkSocket.Open(NETLINK_ROUTE);
        var errors = new List<Exception>();
        using var sub = nl.Subscribe(1 /* RTNLGRP_LINK */).Subscribe(_ => { }, errors.Add);
        nl.Dispose();
        var e = Assert.Single(errors);
        Assert.IsType<NetlinkClosedException>(e);
        await Assert.ThrowsAsync<NetlinkClosedException>(() => nl.RequestAsync(RTM_GETLINK, NLM_F_DUMP, new byte[16], TestContext.Current.CancellationToken));
    }
}
