using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using ShortRange.Linux.Netlink;

namespace ShortRange.Bluetooth.Bnep;

/// <summary><see cref="IPanNetwork"/> over ShortRange.Linux's rtnetlink client, in the caller's network namespace.</summary>
internal sealed class RtNetlinkPanNetwork : IPanNetwork
{
    private const ushort IFLA_NEW_NETNSID = 45; // include/uapi/linux/if_link.h: set on RTM_DELLINK when a link moves to another netns
    private const int IfInfoMsgSize = 16;
    private readonly RtNetlinkClient _rt;
    private readonly ILogger? _logger;

    public RtNetlinkPanNetwork(ILogger? logger = null)
    {
        _logger = logger;
        _rt = RtNetlinkClient.Open(logger: logger);
    }

    // One netlink socket per subscription: multicast traffic never mixes with request replies, and each waiter
    // sees every event from the moment it subscribed.
    public IObservable<BnepLinkEvent> LinkEvents => Observable.Using(
        () => NetlinkSocket.Open(NetlinkConstants.NETLINK_ROUTE, _logger),
        socket => socket.Subscribe(RtNetlinkClient.RTNLGRP_LINK)
            .Where(m => m.Type is RtNetlinkClient.RTM_NEWLINK or RtNetlinkClient.RTM_DELLINK)
            .Select(m => Parse(m.Type == RtNetlinkClient.RTM_DELLINK, m.Payload.Span)));

    internal static BnepLinkEvent Parse(bool removed, ReadOnlySpan<byte> payload)
    {
        var link = RtNetlinkClient.ParseLink(payload);
        bool moved = false;
        if (removed)
            foreach (var a in new NetlinkAttributeReader(payload[IfInfoMsgSize..]))
                if (a.Type == IFLA_NEW_NETNSID) moved = true;
        return new BnepLinkEvent(link.Index, link.Name, removed, moved);
    }

    public async Task<int?> FindLinkAsync(string name, CancellationToken cancellationToken) =>
        (await _rt.GetLinksAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(l => l.Name == name)?.Index;

    public async Task<(int Index, bool Created)> EnsureBridgeAsync(string name, CancellationToken cancellationToken)
    {
        bool created = false;
        if (await FindLinkAsync(name, cancellationToken).ConfigureAwait(false) is not int index)
        {
            await _rt.CreateLinkAsync(name, "bridge", cancellationToken: cancellationToken).ConfigureAwait(false);
            created = true;
            index = await FindLinkAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new BnepException($"bridge '{name}' was created but is not listed");
        }
        await _rt.SetLinkUpAsync(index, true, cancellationToken).ConfigureAwait(false);
        return (index, created);
    }

    public Task SetMasterAsync(int index, int masterIndex, CancellationToken cancellationToken) =>
        _rt.SetMasterAsync(index, masterIndex, cancellationToken);

    public Task SetUpAsync(int index, CancellationToken cancellationToken) => _rt.SetLinkUpAsync(index, true, cancellationToken);

    public Task DeleteLinkAsync(int index, CancellationToken cancellationToken) => _rt.DeleteLinkAsync(index, cancellationToken);

    public void Dispose() => _rt.Dispose();
}
