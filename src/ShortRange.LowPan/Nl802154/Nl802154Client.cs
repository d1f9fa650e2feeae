using ShortRange.Errors;
using ShortRange.Linux;
using ShortRange.Linux.Netlink;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Nl802154;

/// <summary>A wpan PHY as nl802154 reports it.</summary>
public sealed record WpanPhy(uint Index, string Name, byte? Page, byte? Channel);

/// <summary>A wpan interface as nl802154 reports it (PAN ID / short address 0xFFFF = unset, 0xFFFE = none).</summary>
public sealed record WpanInterfaceInfo(uint InterfaceIndex, string Name, uint Phy, WpanInterfaceType Type, ulong ExtendedAddress,
    ushort ShortAddress, ushort PanId, bool? AckRequestDefault);

/// <summary>
/// Configuration of 802.15.4 PHYs and interfaces through the "nl802154" generic netlink family (what iwpan does), over
/// ShortRange.Linux's <see cref="GenericNetlinkClient"/>, plus link up/down through its <see cref="RtNetlinkClient"/>.
/// Needs CAP_NET_ADMIN for the set/new/delete commands. Throws <see cref="StackUnavailableException"/> when the kernel
/// has no nl802154 family (no ieee802154 module); kernel errors surface as <see cref="LowPanSystemException"/> (errno,
/// the <see cref="NetlinkException"/> with any extended-ACK message as inner exception).
/// </summary>
public sealed class Nl802154Client : IDisposable
{
    public const string FamilyName = "nl802154";
    /// <summary>nl802154 commands carry genlmsghdr version 1 (NL802154_GENL_VERSION is not in a UAPI header; iwpan sends 0, the kernel ignores it).</summary>
    private const byte Version = 1;
    private readonly GenericNetlinkClient _genl;
    private readonly GenericNetlinkFamily _family;

    private Nl802154Client(GenericNetlinkClient genl, GenericNetlinkFamily family)
    {
        _genl = genl;
        _family = family;
    }

    public static async Task<Nl802154Client> OpenAsync(CancellationToken cancellationToken = default)
    {
        GenericNetlinkClient genl;
        try { genl = GenericNetlinkClient.Open(); }
        catch (Linux.Sockets.NativeSocketException e) { throw new LowPanSystemException("socket(AF_NETLINK, NETLINK_GENERIC)", e.ErrorNumber, e); }
        try
        {
            var family = await genl.ResolveFamilyAsync(FamilyName, cancellationToken).ConfigureAwait(false);
            return new Nl802154Client(genl, family);
        }
        catch (NetlinkException e) when (e.ErrorNumber == Linux.Sockets.Errno.ENOENT)
        {
            genl.Dispose();
            throw new StackUnavailableException(Technology.Ieee802154,
                "The kernel has no nl802154 generic netlink family (load the ieee802154 / mac802154 modules).", e);
        }
        catch (NetlinkException e)
        {
            genl.Dispose();
            throw new LowPanSystemException("CTRL_CMD_GETFAMILY(nl802154)", e.ErrorNumber, e);
        }
        catch
        {
            genl.Dispose();
            throw;
        }
    }

    public async Task<IReadOnlyList<WpanPhy>> ListPhysAsync(CancellationToken cancellationToken = default)
    {
        var replies = await DumpAsync(Nl802154Command.NL802154_CMD_GET_WPAN_PHY, "NL802154_CMD_GET_WPAN_PHY", cancellationToken).ConfigureAwait(false);
        return [.. replies.Select(m => ParsePhy(GenericNetlinkClient.GetAttributes(m).Span))];
    }

    public async Task<IReadOnlyList<WpanInterfaceInfo>> ListInterfacesAsync(CancellationToken cancellationToken = default)
    {
        var replies = await DumpAsync(Nl802154Command.NL802154_CMD_GET_INTERFACE, "NL802154_CMD_GET_INTERFACE", cancellationToken).ConfigureAwait(false);
        return [.. replies.Select(m => ParseInterface(GenericNetlinkClient.GetAttributes(m).Span))];
    }

    public Task SetPanIdAsync(int interfaceIndex, ushort panId, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_PAN_ID, w => w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex)
            .WriteUInt16(Nl802154Attribute.NL802154_ATTR_PAN_ID, panId), "NL802154_CMD_SET_PAN_ID", cancellationToken);

    public Task SetShortAddressAsync(int interfaceIndex, ushort shortAddress, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_SHORT_ADDR, w => w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex)
            .WriteUInt16(Nl802154Attribute.NL802154_ATTR_SHORT_ADDR, shortAddress), "NL802154_CMD_SET_SHORT_ADDR", cancellationToken);

    public Task SetChannelAsync(uint phy, byte page, byte channel, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_CHANNEL, w => w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, phy)
            .WriteByte(Nl802154Attribute.NL802154_ATTR_PAGE, page).WriteByte(Nl802154Attribute.NL802154_ATTR_CHANNEL, channel),
            "NL802154_CMD_SET_CHANNEL", cancellationToken);

    public Task SetAckRequestDefaultAsync(int interfaceIndex, bool ackRequest, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_ACKREQ_DEFAULT, w => w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex)
            .WriteByte(Nl802154Attribute.NL802154_ATTR_ACKREQ_DEFAULT, ackRequest ? (byte)1 : (byte)0), "NL802154_CMD_SET_ACKREQ_DEFAULT", cancellationToken);

    public Task NewInterfaceAsync(uint phy, string name, WpanInterfaceType type, ulong? extendedAddress = null, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_NEW_INTERFACE, w =>
        {
            w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, phy).WriteString(Nl802154Attribute.NL802154_ATTR_IFNAME, name)
                .WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFTYPE, (uint)type);
            if (extendedAddress is { } e) w.WriteUInt64(Nl802154Attribute.NL802154_ATTR_EXTENDED_ADDR, e);
        }, "NL802154_CMD_NEW_INTERFACE", cancellationToken);

    public Task DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_DEL_INTERFACE, w => w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex),
            "NL802154_CMD_DEL_INTERFACE", cancellationToken);

    /// <summary>
    /// Moves a wpan PHY with all its interfaces into <paramref name="target"/> (NL802154_CMD_SET_WPAN_PHY_NETNS with
    /// NL802154_ATTR_NETNS_FD; `iwpan phy phyN set netns name X`). wpan interfaces are NETIF_F_NETNS_LOCAL, so
    /// rtnetlink cannot move them one by one; the PHY must have CAP_NET_ADMIN in both namespaces.
    /// </summary>
    public Task MovePhyToNamespaceAsync(uint phy, NetworkNamespace target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return DoAsync(Nl802154Command.NL802154_CMD_SET_WPAN_PHY_NETNS, w => w.WriteUInt32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, phy)
            .WriteUInt32(Nl802154Attribute.NL802154_ATTR_NETNS_FD, (uint)target.FileDescriptor), "NL802154_CMD_SET_WPAN_PHY_NETNS", cancellationToken);
    }

    /// <summary>Sets IFF_UP on or off (rtnetlink RTM_NEWLINK through <see cref="RtNetlinkClient.SetLinkUpAsync"/>).</summary>
    public static async Task SetLinkUpAsync(int interfaceIndex, bool up, CancellationToken cancellationToken = default)
    {
        string op = up ? "RTM_NEWLINK(up)" : "RTM_NEWLINK(down)";
        try
        {
            using var route = RtNetlinkClient.Open();
            await route.SetLinkUpAsync(interfaceIndex, up, cancellationToken).ConfigureAwait(false);
        }
        catch (Linux.Sockets.NativeSocketException e) { throw new LowPanSystemException(op, e.ErrorNumber, e); }
    }

    internal static WpanPhy ParsePhy(ReadOnlySpan<byte> attributes)
    {
        uint index = 0;
        string name = "";
        byte? page = null, channel = null;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case Nl802154Attribute.NL802154_ATTR_WPAN_PHY: index = a.GetUInt32(); break;
                case Nl802154Attribute.NL802154_ATTR_WPAN_PHY_NAME: name = a.GetString(); break;
                case Nl802154Attribute.NL802154_ATTR_PAGE: page = a.GetByte(); break;
                case Nl802154Attribute.NL802154_ATTR_CHANNEL: channel = a.GetByte(); break;
            }
        }
        return new WpanPhy(index, name, page, channel);
    }

    /// <summary>Parses an interface message's attributes. PAN_ID/SHORT_ADDR are __le16 and EXTENDED_ADDR __le64, as netlink's host order on little-endian machines.</summary>
    internal static WpanInterfaceInfo ParseInterface(ReadOnlySpan<byte> attributes)
    {
        uint index = 0, phy = 0, type = 0;
        string name = "";
        ulong extended = 0;
        ushort shortAddress = 0xFFFF, pan = 0xFFFF;
        bool? ack = null;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case Nl802154Attribute.NL802154_ATTR_IFINDEX: index = a.GetUInt32(); break;
                case Nl802154Attribute.NL802154_ATTR_IFNAME: name = a.GetString(); break;
                case Nl802154Attribute.NL802154_ATTR_WPAN_PHY: phy = a.GetUInt32(); break;
                case Nl802154Attribute.NL802154_ATTR_IFTYPE: type = a.GetUInt32(); break;
                case Nl802154Attribute.NL802154_ATTR_EXTENDED_ADDR: extended = a.GetUInt64(); break;
                case Nl802154Attribute.NL802154_ATTR_SHORT_ADDR: shortAddress = a.GetUInt16(); break;
                case Nl802154Attribute.NL802154_ATTR_PAN_ID: pan = a.GetUInt16(); break;
                case Nl802154Attribute.NL802154_ATTR_ACKREQ_DEFAULT: ack = a.GetByte() != 0; break;
            }
        }
        return new WpanInterfaceInfo(index, name, phy, (WpanInterfaceType)type, extended, shortAddress, pan, ack);
    }

    private async Task<IReadOnlyList<NetlinkMessage>> DumpAsync(byte command, string operation, CancellationToken ct)
    {
        try
        {
            var replies = await _genl.RequestAsync(_family, command, Version, NetlinkConstants.NLM_F_DUMP, null, ct).ConfigureAwait(false);
            return [.. replies.Where(m => m.Type == _family.Id)];
        }
        catch (Linux.Sockets.NativeSocketException e) { throw new LowPanSystemException(operation, e.ErrorNumber, e); }
    }

    private async Task DoAsync(byte command, Action<NetlinkAttributeWriter> attributes, string operation, CancellationToken ct)
    {
        try { await _genl.RequestAsync(_family, command, Version, 0, attributes, ct).ConfigureAwait(false); }
        catch (Linux.Sockets.NativeSocketException e) { throw new LowPanSystemException(operation, e.ErrorNumber, e); }
    }

    public void Dispose() => _genl.Dispose();
}
