using System.Buffers.Binary;
using System.Text;
using CsCheck;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Neard;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// The remaining readers of kernel and daemon output: generic-netlink family replies, rtnetlink link messages (also the
/// BNEP link-event parser on top), NLMSG_ERROR with extended-ACK TLVs, every sockaddr reader, bnep_conninfo, and neard's
/// D-Bus property dictionaries. A compromised or buggy kernel/daemon is less likely than a hostile radio peer, but the same
/// contract holds: documented exceptions only, no hang, bounded allocation.
/// </summary>
public class KernelAbiFuzzTests
{
    private static byte[] Family(string name, ushort id, params (string Name, uint Id)[] groups)
    {
        var w = new NetlinkAttributeWriter();
        w.WriteRaw([1, 2, 0, 0]); // genlmsghdr: CTRL_CMD_NEWFAMILY, version 2
        w.WriteUInt16(GenericNetlinkClient.CTRL_ATTR_FAMILY_ID, id);
        w.WriteString(GenericNetlinkClient.CTRL_ATTR_FAMILY_NAME, name);
        w.WriteUInt32(GenericNetlinkClient.CTRL_ATTR_VERSION, 1);
        w.WriteUInt32(GenericNetlinkClient.CTRL_ATTR_HDRSIZE, 0);
        int list = w.BeginNested(GenericNetlinkClient.CTRL_ATTR_MCAST_GROUPS);
        for (int i = 0; i < groups.Length; i++)
        {
            int entry = w.BeginNested((ushort)(i + 1));
            w.WriteUInt32(GenericNetlinkClient.CTRL_ATTR_MCAST_GRP_ID, groups[i].Id);
            w.WriteString(GenericNetlinkClient.CTRL_ATTR_MCAST_GRP_NAME, groups[i].Name);
            w.EndNested(entry);
        }
        w.EndNested(list);
        return w.ToArray();
    }

    private static byte[] Link(int index, string name, string? kind, int? master, bool movedNetns)
    {
        var header = new byte[16]; // ifinfomsg
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 1); // ARPHRD_ETHER
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0x1043); // IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST
        var w = new NetlinkAttributeWriter();
        w.WriteRaw(header);
        w.WriteString(RtNetlinkClient.IFLA_IFNAME, name);
        w.Write(RtNetlinkClient.IFLA_ADDRESS, [0x00, 0x1B, 0xDC, 0x0F, 0x55, 0x01]);
        if (master is { } m) w.WriteUInt32(RtNetlinkClient.IFLA_MASTER, (uint)m);
        if (kind is not null)
        {
            int li = w.BeginNested(RtNetlinkClient.IFLA_LINKINFO);
            w.WriteString(RtNetlinkClient.IFLA_INFO_KIND, kind);
            w.EndNested(li);
        }
        if (movedNetns) w.WriteUInt32(45, 3); // IFLA_NEW_NETNSID
        return w.ToArray();
    }

    private static byte[] Error(int errno, string? message)
    {
        var w = new NetlinkAttributeWriter();
        var head = new byte[4 + 16];
        BinaryPrimitives.WriteInt32LittleEndian(head, -errno);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(4), 16); // the echoed request's nlmsghdr (capped: no payload)
        w.WriteRaw(head);
        if (message is not null) w.WriteString(NetlinkConstants.NLMSGERR_ATTR_MSG, message);
        w.WriteUInt32(NetlinkConstants.NLMSGERR_ATTR_OFFS, 20);
        return w.ToArray();
    }

    [Fact]
    public void Generic_netlink_family_replies_only_throw_NetlinkFormatException()
    {
        byte[][] seeds =
        [
            Family("nfc", 0x1E, ("events", 5)),
            Family("nl802154", 0x1F),
            Family("nlctrl", 0x10, ("notify", 0x10)),
        ];
        var structured = Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 0, 20], Gen.UShort, Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 0, 12], Gen.UInt).Array[0, 5],
            (n, id, g) => Family(n, id, g));
        var stats = FuzzHarness.Run(Mutator.Mix(structured, seeds, 200), b =>
        {
            var f = GenericNetlinkClient.ParseFamily(b);
            Assert.NotNull(f.Name);
        }, new AllocationBudget(16, 8192) /* name and group strings + the group dictionary */, typeof(NetlinkFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Rtnetlink_link_and_bnep_link_event_parsers_only_throw_NetlinkFormatException()
    {
        byte[][] seeds =
        [
            Link(7, "bnep0", null, 9, false),
            Link(9, "pan0", "bridge", null, false),
            Link(12, "wpan0", null, null, true),
            Link(1, "lo", null, null, false),
        ];
        var structured = Gen.Select(Gen.Int, Gen.String[Gen.Char.AlphaNumeric, 0, 16], Gen.Bool, Gen.Bool,
            (i, n, bridge, moved) => Link(i, n, bridge ? "bridge" : null, bridge ? null : i + 1, moved));
        var stats = FuzzHarness.Run(Mutator.Mix(structured, seeds, 200), b =>
        {
            _ = RtNetlinkClient.ParseLink(b);
            _ = RtNetlinkPanNetwork.Parse(removed: true, b);
        }, new AllocationBudget(16, 4096), typeof(NetlinkFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Netlink_error_reader_only_throws_NetlinkFormatException()
    {
        byte[][] seeds = [Error(22, "Invalid attribute"), Error(95, null), Error(0, null), Error(19, "No such device")];
        var flags = new ushort[] { 0, NetlinkConstants.NLM_F_ACK_TLVS, NetlinkConstants.NLM_F_ACK_TLVS | NetlinkConstants.NLM_F_CAPPED, NetlinkConstants.NLM_F_CAPPED };
        var gen = Gen.Select(Mutator.Mix(Gen.Int[0, 133].Select(e => Error(e, "errno " + e)), seeds, 100), Gen.Int[0, flags.Length - 1],
            (payload, f) => new NetlinkMessage(NetlinkConstants.NLMSG_ERROR, flags[f], 1, 0, payload));
        int withText = 0;
        var stats = FuzzHarness.Run(gen, m => m.Payload.Length, m =>
        {
            _ = NetlinkSocket.ReadError(m, out string? text);
            if (text is not null) withText++;
        }, new AllocationBudget(4, 2048), typeof(NetlinkFormatException));
        Assert.True(stats.Rejected > 0 && withText > 0, stats.ToString());
    }

    [Fact]
    public void Sockaddr_readers_only_throw_ArgumentException()
    {
        byte[][] seeds =
        [
            new HciSocketAddress(0, 3).ToBytes(),
            new L2capSocketAddress(0x1001, 0x001BDC0F5501, 0, 0).ToBytes(),
            new NetlinkSocketAddress(1234, 1).ToBytes(),
            new NfcSocketAddress(0, 1, 5).ToBytes(),
            new NfcLlcpSocketAddress(0, 1, 5, 4, 32, "urn:nfc:sn:snep").ToBytes(),
            new PacketSocketAddress(0xDD86, 3, 804, 0, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }).ToBytes(),
        ];
        var stats = FuzzHarness.Run(Mutator.Mutants(seeds), b =>
        {
            int rejected = 0;
            void Try(Action read)
            {
                try { read(); }
                catch (ArgumentException) { rejected++; }
            }
            Try(() => HciSocketAddress.Read(b));
            Try(() => L2capSocketAddress.Read(b));
            Try(() => NetlinkSocketAddress.Read(b));
            Try(() => NfcSocketAddress.Read(b));
            Try(() => NfcLlcpSocketAddress.Read(b));
            Try(() => PacketSocketAddress.Read(b));
            if (rejected == 6) throw new ArgumentException("every reader rejected the input");
        }, new AllocationBudget(4, 16384) /* up to six rejections, each an exception with a formatted message */, typeof(ArgumentException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Bnep_conninfo_reader_only_throws_BnepFormatException()
    {
        var info = new byte[BnepKernelAbi.ConnInfoSize];
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(4), (ushort)BnepRole.Nap);
        BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(6), 1); // BT_CONNECTED
        BnepCodec.WriteMac(0x001BDC0F5501, info.AsSpan(8, 6));
        Encoding.ASCII.GetBytes("bnep0", info.AsSpan(14));
        var stats = FuzzHarness.Run(Mutator.Mutants([info]), b => _ = BnepKernelAbi.ReadConnInfo(b),
            new AllocationBudget(4, 1024), typeof(BnepFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    private static readonly string[] NeardKeys =
        ["Mode", "Powered", "Polling", "Protocols", "Type", "Protocol", "ReadOnly", "Adapter", "Encoding", "Language",
         "Representation", "URI", "MIMEType", "MIME", "Size", "Action", "AndroidPackage", "Carrier", "Payload", "Unknown"];

    // The plain values the neard client hands to FromDictionary (a variant's value after decoding; see NeardValues).
    private static readonly Gen<object> AnyValue = Gen.OneOf(
        Gen.Bool.Select(b => (object)b),
        Gen.UInt.Select(u => (object)u),
        Gen.Int.Select(i => (object)i),
        Gen.Byte.Select(y => (object)y),
        Gen.Double.Select(d => (object)d),
        Gen.String[Gen.Char.AlphaNumeric, 0, 12].Select(s => (object)s),
        Gen.Byte.Array[0, 64].Select(a => (object)a),
        Gen.String[Gen.Char.AlphaNumeric, 0, 8].Array[0, 4].Select(a => (object)a),
        Gen.String[Gen.Char.AlphaNumeric, 0, 8].Select(s => (object)new object[] { s }),
        Gen.Bool.Select(b => (object)new Dictionary<string, object> { ["v"] = b }));

    [Fact]
    public void Neard_property_dictionaries_only_throw_NeardFormatException()
    {
        var gen = Gen.Select(Gen.Int[0, NeardKeys.Length - 1], AnyValue).Array[0, 12].Select(entries =>
        {
            var d = new Dictionary<string, object>();
            foreach (var (k, v) in entries) d[NeardKeys[k]] = v;
            return d;
        });
        var stats = FuzzHarness.Run(gen, d => d.Count * 16, d =>
        {
            _ = NeardAdapterProperties.FromDictionary("/org/neard/nfc0", d);
            _ = NeardTagProperties.FromDictionary("/org/neard/nfc0/tag1", d);
            _ = NeardRecordProperties.FromDictionary(d);
        }, new AllocationBudget(64, 8192) /* a rejected dictionary costs two exceptions with stack traces: ~6.6 KB, fixed */, typeof(NeardFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }
}
