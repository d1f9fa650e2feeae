using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using static ShortRange.Linux.Netlink.NetlinkConstants;

namespace ShortRange.Linux.Netlink;

/// <summary>
/// rtnetlink (NETLINK_ROUTE; include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h): list/create/delete links, set up/down,
/// master and namespace, add addresses, and link events. Opened in the caller's network namespace
/// (use <see cref="NetworkNamespace.Run{T}"/> to open it inside another one).
/// </summary>
public sealed class RtNetlinkClient : IDisposable
{
    public const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19, RTM_NEWADDR = 20;
    public const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_LINK = 5, IFLA_MASTER = 10, IFLA_LINKINFO = 18,
        IFLA_NET_NS_PID = 19, IFLA_NET_NS_FD = 28;
    public const ushort IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
    public const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2;
    public const uint RTNLGRP_LINK = 1;
    public const uint IFF_UP = 0x1;
    private const int IfInfoMsgSize = 16;

    private readonly NetlinkSocket _socket;
    private readonly Lazy<NetlinkSocket> _events;
    private readonly ILogger? _logger;

    private RtNetlinkClient(NetlinkSocket socket, ILogger? logger)
    {
        _socket = socket;
        _logger = logger;
        // Events get their own socket so multicast traffic never interleaves with request replies.
        _events = new Lazy<NetlinkSocket>(() => NetlinkSocket.Open(NETLINK_ROUTE, _logger));
    }

    /// <summary>Opens a client in the caller's network namespace, or inside <paramref name="netns"/>.</summary>
    public static RtNetlinkClient Open(NetworkNamespace? netns = null, ILogger? logger = null)
    {
        var c = netns is null ? new RtNetlinkClient(NetlinkSocket.Open(NETLINK_ROUTE, logger), logger)
            : netns.Run(() => new RtNetlinkClient(NetlinkSocket.Open(NETLINK_ROUTE, logger), logger));
        if (netns is not null) _ = netns.Run(() => c._events.Value); // event socket in the same namespace
        return c;
    }

    public async Task<IReadOnlyList<LinkInfo>> GetLinksAsync(CancellationToken cancellationToken = default)
    {
        var replies = await _socket.RequestAsync(RTM_GETLINK, NLM_F_DUMP, new byte[IfInfoMsgSize], cancellationToken, "RTM_GETLINK").ConfigureAwait(false);
        return replies.Where(m => m.Type == RTM_NEWLINK).Select(m => ParseLink(m.Payload.Span)).ToList();
    }

    /// <summary>RTM_NEWLINK/RTM_DELLINK events (RTNLGRP_LINK); subscribe joins the group, dispose leaves it.</summary>
    public IObservable<LinkEvent> LinkEvents => Observable.Defer(() => _events.Value.Subscribe(RTNLGRP_LINK))
        .Where(m => m.Type is RTM_NEWLINK or RTM_DELLINK)
        .Select(m => new LinkEvent(m.Type == RTM_DELLINK, ParseLink(m.Payload.Span)));

    /// <summary>Creates a link of <paramref name="kind"/>; <paramref name="writeInfoData"/> fills IFLA_INFO_DATA when given.</summary>
    public Task CreateLinkAsync(string name, string kind, Action<NetlinkAttributeWriter>? writeInfoData = null, int? parentIndex = null,
        CancellationToken cancellationToken = default)
    {
        var w = new NetlinkAttributeWriter();
        w.WriteRaw(IfInfoMsg(0, 0, 0));
        w.WriteString(IFLA_IFNAME, name);
        if (parentIndex is { } p) w.WriteUInt32(IFLA_LINK, (uint)p);
        int li = w.BeginNested(IFLA_LINKINFO);
        w.WriteString(IFLA_INFO_KIND, kind);
        if (writeInfoData is not null)
        {
            int d = w.BeginNested(IFLA_INFO_DATA);
            writeInfoData(w);
            w.EndNested(d);
        }
        w.EndNested(li);
        return _socket.RequestAsync(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, w.ToArray(), cancellationToken, $"RTM_NEWLINK {kind} '{name}'");
    }

    /// <summary>Creates a veth pair.</summary>
    public Task CreateVethAsync(string name, string peerName, CancellationToken cancellationToken = default) =>
        CreateLinkAsync(name, "veth", w =>
        {
            int peer = w.BeginNested(VETH_INFO_PEER);
            w.WriteRaw(IfInfoMsg(0, 0, 0));
            w.WriteString(IFLA_IFNAME, peerName);
            w.EndNested(peer);
        }, null, cancellationToken);

    public Task DeleteLinkAsync(int index, CancellationToken cancellationToken = default) =>
        _socket.RequestAsync(RTM_DELLINK, 0, IfInfoMsg(index, 0, 0), cancellationToken, "RTM_DELLINK");

    public Task SetLinkUpAsync(int index, bool up, CancellationToken cancellationToken = default) =>
        _socket.RequestAsync(RTM_NEWLINK, 0, IfInfoMsg(index, up ? IFF_UP : 0, IFF_UP), cancellationToken, up ? "RTM_NEWLINK up" : "RTM_NEWLINK down");

    public Task SetMasterAsync(int index, int masterIndex, CancellationToken cancellationToken = default) =>
        SetAttributeAsync(index, w => w.WriteUInt32(IFLA_MASTER, (uint)masterIndex), "RTM_NEWLINK master", cancellationToken);

    /// <summary>Moves a link into another network namespace (IFLA_NET_NS_FD).</summary>
    public Task MoveToNamespaceAsync(int index, NetworkNamespace target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return SetAttributeAsync(index, w => w.WriteUInt32(IFLA_NET_NS_FD, (uint)target.FileDescriptor), "RTM_NEWLINK netns", cancellationToken);
    }

    private Task SetAttributeAsync(int index, Action<NetlinkAttributeWriter> write, string op, CancellationToken ct)
    {
        var w = new NetlinkAttributeWriter();
        w.WriteRaw(IfInfoMsg(index, 0, 0));
        write(w);
        return _socket.RequestAsync(RTM_NEWLINK, 0, w.ToArray(), ct, op);
    }

    /// <summary>Adds an IPv4 or IPv6 address (RTM_NEWADDR with IFA_LOCAL and IFA_ADDRESS).</summary>
    public Task AddAddressAsync(int index, IPAddress address, int prefixLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var w = new NetlinkAttributeWriter();
        var ifa = new byte[8];
        ifa[0] = (byte)(address.AddressFamily == AddressFamily.InterNetworkV6 ? 10 : 2);
        ifa[1] = (byte)prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(ifa.AsSpan(4), index);
        w.WriteRaw(ifa);
        var bytes = address.GetAddressBytes();
        w.Write(IFA_LOCAL, bytes);
        w.Write(IFA_ADDRESS, bytes);
        return _socket.RequestAsync(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, w.ToArray(), cancellationToken, "RTM_NEWADDR");
    }

    private static byte[] IfInfoMsg(int index, uint flags, uint change)
    {
        var b = new byte[IfInfoMsgSize];
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), change);
        return b;
    }

    /// <summary>Parses an RTM_NEWLINK/RTM_DELLINK payload (ifinfomsg + IFLA_* attributes).</summary>
    public static LinkInfo ParseLink(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < IfInfoMsgSize) throw new NetlinkFormatException("RTM_NEWLINK shorter than ifinfomsg");
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        string name = "";
        byte[] hw = [];
        string? kind = null;
        int? master = null;
        foreach (var a in new NetlinkAttributeReader(payload[IfInfoMsgSize..]))
        {
            switch (a.Type)
            {
                case IFLA_IFNAME: name = a.GetString(); break;
                case IFLA_ADDRESS: hw = a.Payload.ToArray(); break;
                case IFLA_MASTER: master = a.GetInt32(); break;
                case IFLA_LINKINFO:
                    foreach (var i in a.GetNested())
                        if (i.Type == IFLA_INFO_KIND) kind = i.GetString();
                    break;
            }
        }
        return new LinkInfo(index, name, flags, type, hw, kind, master);
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_events.IsValueCreated) _events.Value.Dispose();
    }
}
