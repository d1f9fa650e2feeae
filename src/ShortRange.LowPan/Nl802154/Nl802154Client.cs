using System.Buffers.Binary;
using ShortRange.Errors;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Nl802154;

/// <summary>A wpan PHY as nl802154 reports it.</summary>
public sealed record WpanPhy(uint Index, string Name, byte? Page, byte? Channel);

/// <summary>A wpan interface as nl802154 reports it (PAN ID / short address 0xFFFF = unset, 0xFFFE = none).</summary>
public sealed record WpanInterfaceInfo(uint InterfaceIndex, string Name, uint Phy, WpanInterfaceType Type, ulong ExtendedAddress,
    ushort ShortAddress, ushort PanId, bool? AckRequestDefault);

/// <summary>
/// Configuration of 802.15.4 PHYs and interfaces through the "nl802154" generic netlink family (what iwpan does), plus
/// link up/down through rtnetlink. Needs CAP_NET_ADMIN for the set/new/delete commands. Throws
/// <see cref="StackUnavailableException"/> when the kernel has no nl802154 family (no ieee802154 module).
/// </summary>
public sealed class Nl802154Client : IDisposable
{
    public const string FamilyName = "nl802154";
    private readonly NetlinkChannel _genl;
    private readonly ushort _family;

    private Nl802154Client(NetlinkChannel genl, ushort family)
    {
        _genl = genl;
        _family = family;
    }

    public static async Task<Nl802154Client> OpenAsync(CancellationToken cancellationToken = default)
    {
        var channel = NetlinkChannel.Open(NetlinkConstants.NETLINK_GENERIC);
        try
        {
            var req = NetlinkRequestBuilder.Generic(NetlinkConstants.GENL_ID_CTRL, NetlinkConstants.CTRL_CMD_GETFAMILY,
                NetlinkConstants.NLM_F_REQUEST, channel.NextSequence()).PutString(NetlinkConstants.CTRL_ATTR_FAMILY_NAME, FamilyName).Build();
            List<NetlinkReply> replies;
            try { replies = await channel.RequestAsync(req, "CTRL_CMD_GETFAMILY(nl802154)", cancellationToken).ConfigureAwait(false); }
            catch (LowPanSystemException e) when (e.Errno == 2) // ENOENT
            {
                throw new StackUnavailableException(Technology.Ieee802154,
                    "The kernel has no nl802154 generic netlink family (load the ieee802154 / mac802154 modules).", e);
            }
            var attrs = NetlinkAttributes.Parse(replies[0].Payload.AsSpan(NetlinkConstants.GenlHdrLength));
            ushort id = attrs.Le16(NetlinkConstants.CTRL_ATTR_FAMILY_ID) ?? throw new LowPanException("CTRL reply without a family id.");
            return new Nl802154Client(channel, id);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    public async Task<IReadOnlyList<WpanPhy>> ListPhysAsync(CancellationToken cancellationToken = default)
    {
        var replies = await DumpAsync(Nl802154Command.NL802154_CMD_GET_WPAN_PHY, cancellationToken).ConfigureAwait(false);
        return [.. replies.Select(a => ParsePhy(a))];
    }

    public async Task<IReadOnlyList<WpanInterfaceInfo>> ListInterfacesAsync(CancellationToken cancellationToken = default)
    {
        var replies = await DumpAsync(Nl802154Command.NL802154_CMD_GET_INTERFACE, cancellationToken).ConfigureAwait(false);
        return [.. replies.Select(a => ParseInterface(a))];
    }

    public Task SetPanIdAsync(int interfaceIndex, ushort panId, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_PAN_ID, b => b.PutU32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex)
            .PutLe16(Nl802154Attribute.NL802154_ATTR_PAN_ID, panId), "NL802154_CMD_SET_PAN_ID", cancellationToken);

    public Task SetShortAddressAsync(int interfaceIndex, ushort shortAddress, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_SHORT_ADDR, b => b.PutU32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex)
            .PutLe16(Nl802154Attribute.NL802154_ATTR_SHORT_ADDR, shortAddress), "NL802154_CMD_SET_SHORT_ADDR", cancellationToken);

    public Task SetChannelAsync(uint phy, byte page, byte channel, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_CHANNEL, b => b.PutU32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, phy)
            .PutU8(Nl802154Attribute.NL802154_ATTR_PAGE, page).PutU8(Nl802154Attribute.NL802154_ATTR_CHANNEL, channel),
            "NL802154_CMD_SET_CHANNEL", cancellationToken);

    public Task SetAckRequestDefaultAsync(int interfaceIndex, bool ackRequest, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_SET_ACKREQ_DEFAULT, b => b.PutU32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex)
            .PutU8(Nl802154Attribute.NL802154_ATTR_ACKREQ_DEFAULT, ackRequest ? (byte)1 : (byte)0), "NL802154_CMD_SET_ACKREQ_DEFAULT", cancellationToken);

    public Task NewInterfaceAsync(uint phy, string name, WpanInterfaceType type, ulong? extendedAddress = null, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_NEW_INTERFACE, b =>
        {
            b.PutU32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY, phy).PutString(Nl802154Attribute.NL802154_ATTR_IFNAME, name)
                .PutU32(Nl802154Attribute.NL802154_ATTR_IFTYPE, (uint)type);
            if (extendedAddress is { } e) b.PutLe64(Nl802154Attribute.NL802154_ATTR_EXTENDED_ADDR, e);
        }, "NL802154_CMD_NEW_INTERFACE", cancellationToken);

    public Task DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default) =>
        DoAsync(Nl802154Command.NL802154_CMD_DEL_INTERFACE, b => b.PutU32(Nl802154Attribute.NL802154_ATTR_IFINDEX, (uint)interfaceIndex),
            "NL802154_CMD_DEL_INTERFACE", cancellationToken);

    /// <summary>Sets IFF_UP on or off with RTM_NEWLINK (include/uapi/linux/rtnetlink.h).</summary>
    public static async Task SetLinkUpAsync(int interfaceIndex, bool up, CancellationToken cancellationToken = default)
    {
        using var route = NetlinkChannel.Open(NetlinkConstants.NETLINK_ROUTE);
        var req = BuildSetLink(interfaceIndex, up, route.NextSequence());
        await route.RequestAsync(req, up ? "RTM_NEWLINK(up)" : "RTM_NEWLINK(down)", cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] BuildSetLink(int interfaceIndex, bool up, uint sequence)
    {
        // struct ifinfomsg { u8 ifi_family; u8 pad; u16 ifi_type; int ifi_index; u32 ifi_flags; u32 ifi_change; }
        Span<byte> ifi = stackalloc byte[NetlinkConstants.IfInfoMsgLength];
        ifi.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(ifi[4..], interfaceIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(ifi[8..], up ? NetlinkConstants.IFF_UP : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(ifi[12..], NetlinkConstants.IFF_UP);
        return new NetlinkRequestBuilder(NetlinkConstants.RTM_NEWLINK, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK, sequence, ifi).Build();
    }

    internal static WpanPhy ParsePhy(NetlinkAttributes a) => new(
        a.U32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY) ?? 0,
        a.String(Nl802154Attribute.NL802154_ATTR_WPAN_PHY_NAME) ?? "",
        a.U8(Nl802154Attribute.NL802154_ATTR_PAGE),
        a.U8(Nl802154Attribute.NL802154_ATTR_CHANNEL));

    internal static WpanInterfaceInfo ParseInterface(NetlinkAttributes a) => new(
        a.U32(Nl802154Attribute.NL802154_ATTR_IFINDEX) ?? 0,
        a.String(Nl802154Attribute.NL802154_ATTR_IFNAME) ?? "",
        a.U32(Nl802154Attribute.NL802154_ATTR_WPAN_PHY) ?? 0,
        (WpanInterfaceType)(a.U32(Nl802154Attribute.NL802154_ATTR_IFTYPE) ?? 0),
        a.Le64(Nl802154Attribute.NL802154_ATTR_EXTENDED_ADDR) ?? 0,
        a.Le16(Nl802154Attribute.NL802154_ATTR_SHORT_ADDR) ?? 0xFFFF,
        a.Le16(Nl802154Attribute.NL802154_ATTR_PAN_ID) ?? 0xFFFF,
        a.U8(Nl802154Attribute.NL802154_ATTR_ACKREQ_DEFAULT) is { } ack ? ack != 0 : null);

    private async Task<List<NetlinkAttributes>> DumpAsync(byte command, CancellationToken ct)
    {
        var req = NetlinkRequestBuilder.Generic(_family, command, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP, _genl.NextSequence()).Build();
        var replies = await _genl.RequestAsync(req, $"nl802154 dump {command}", ct).ConfigureAwait(false);
        return [.. replies.Where(r => r.Payload.Length >= NetlinkConstants.GenlHdrLength)
            .Select(r => NetlinkAttributes.Parse(r.Payload.AsSpan(NetlinkConstants.GenlHdrLength)))];
    }

    private Task DoAsync(byte command, Action<NetlinkRequestBuilder> attributes, string operation, CancellationToken ct)
    {
        var b = NetlinkRequestBuilder.Generic(_family, command, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK, _genl.NextSequence());
        attributes(b);
        return _genl.RequestAsync(b.Build(), operation, ct);
    }

    public void Dispose() => _genl.Dispose();
}
