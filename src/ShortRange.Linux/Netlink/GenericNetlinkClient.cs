using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace ShortRange.Linux.Netlink;

/// <summary>
/// Generic netlink (NETLINK_GENERIC) over a <see cref="NetlinkSocket"/>: resolves families with CTRL_CMD_GETFAMILY
/// (include/uapi/linux/genetlink.h) and sends family requests with the 4-byte genlmsghdr { cmd, version, reserved }.
/// </summary>
public sealed class GenericNetlinkClient : IDisposable
{
    // genetlink.h
    public const ushort GENL_ID_CTRL = 0x10;
    public const byte CTRL_CMD_GETFAMILY = 3;
    public const ushort CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2, CTRL_ATTR_VERSION = 3, CTRL_ATTR_HDRSIZE = 4,
        CTRL_ATTR_MCAST_GROUPS = 7;
    public const ushort CTRL_ATTR_MCAST_GRP_NAME = 1, CTRL_ATTR_MCAST_GRP_ID = 2;
    public const int GENL_HDRLEN = 4;

    private GenericNetlinkClient(NetlinkSocket socket) => Socket = socket;

    /// <summary>Opens a NETLINK_GENERIC socket in the caller's network namespace.</summary>
    public static GenericNetlinkClient Open(ILogger? logger = null) => new(NetlinkSocket.Open(NetlinkConstants.NETLINK_GENERIC, logger));

    /// <summary>The underlying transport (multicast: <c>Socket.Subscribe(family.MulticastGroups["name"])</c>).</summary>
    public NetlinkSocket Socket { get; }

    /// <summary>Resolves a family ("nlctrl", "nl802154", "nfc") and its multicast groups. ENOENT (as NetlinkException) when absent.</summary>
    public async Task<GenericNetlinkFamily> ResolveFamilyAsync(string name, CancellationToken cancellationToken = default)
    {
        var w = new NetlinkAttributeWriter();
        w.WriteRaw([CTRL_CMD_GETFAMILY, 1, 0, 0]);
        w.WriteString(CTRL_ATTR_FAMILY_NAME, name);
        var replies = await Socket.RequestAsync(GENL_ID_CTRL, 0, w.ToArray(), cancellationToken, $"CTRL_CMD_GETFAMILY '{name}'").ConfigureAwait(false);
        if (replies.Count == 0) throw new NetlinkFormatException($"CTRL_CMD_GETFAMILY '{name}' returned no family message");
        return ParseFamily(replies[0].Payload.Span);
    }

    /// <summary>Parses a CTRL_CMD_NEWFAMILY payload (genlmsghdr + attributes).</summary>
    public static GenericNetlinkFamily ParseFamily(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < GENL_HDRLEN) throw new NetlinkFormatException("generic netlink message shorter than genlmsghdr");
        string name = "";
        ushort id = 0;
        uint version = 0, hdr = 0;
        var groups = new Dictionary<string, uint>();
        foreach (var a in new NetlinkAttributeReader(payload[GENL_HDRLEN..]))
        {
            switch (a.Type)
            {
                case CTRL_ATTR_FAMILY_ID: id = a.GetUInt16(); break;
                case CTRL_ATTR_FAMILY_NAME: name = a.GetString(); break;
                case CTRL_ATTR_VERSION: version = a.GetUInt32(); break;
                case CTRL_ATTR_HDRSIZE: hdr = a.GetUInt32(); break;
                case CTRL_ATTR_MCAST_GROUPS:
                    foreach (var entry in a.GetNested())
                    {
                        string? g = null;
                        uint gid = 0;
                        foreach (var f in entry.GetNested())
                        {
                            if (f.Type == CTRL_ATTR_MCAST_GRP_NAME) g = f.GetString();
                            else if (f.Type == CTRL_ATTR_MCAST_GRP_ID) gid = f.GetUInt32();
                        }
                        if (g is not null) groups[g] = gid;
                    }
                    break;
            }
        }
        return new GenericNetlinkFamily(name, id, version, hdr, groups);
    }

    /// <summary>
    /// Sends a family command: genlmsghdr { <paramref name="command"/>, <paramref name="version"/> } followed by the
    /// attributes written by <paramref name="writeAttributes"/>. Returns the replies (dump when flags contain NLM_F_DUMP).
    /// </summary>
    public Task<IReadOnlyList<NetlinkMessage>> RequestAsync(GenericNetlinkFamily family, byte command, byte version, ushort flags,
        Action<NetlinkAttributeWriter>? writeAttributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(family);
        var w = new NetlinkAttributeWriter();
        w.WriteRaw([command, version, 0, 0]);
        writeAttributes?.Invoke(w);
        return Socket.RequestAsync(family.Id, flags, w.ToArray(), cancellationToken, $"{family.Name} command {command}");
    }

    /// <summary>The genlmsghdr command of a generic-netlink message.</summary>
    public static byte GetCommand(NetlinkMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Payload.Length >= GENL_HDRLEN ? message.Payload.Span[0] : throw new NetlinkFormatException("message shorter than genlmsghdr");
    }

    /// <summary>The attributes after genlmsghdr (and the family's fixed header of <paramref name="familyHeaderSize"/> bytes).</summary>
    public static ReadOnlyMemory<byte> GetAttributes(NetlinkMessage message, int familyHeaderSize = 0)
    {
        ArgumentNullException.ThrowIfNull(message);
        int off = GENL_HDRLEN + NetlinkConstants.Align(familyHeaderSize);
        return message.Payload.Length >= off ? message.Payload[off..] : throw new NetlinkFormatException("message shorter than its headers");
    }

    public void Dispose() => Socket.Dispose();

}
