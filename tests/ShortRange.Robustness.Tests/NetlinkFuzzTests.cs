using CsCheck;
using ShortRange.Linux.Netlink;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile input for the netlink message/attribute readers (documented: <see cref="NetlinkFormatException"/>). The D-Bus
/// wire reader that was fuzzed here is gone: D-Bus is Tmds.DBus.Protocol now (its own tests cover its reader).
/// </summary>
public class NetlinkFuzzTests
{
    internal static readonly Gen<byte[]> NetlinkDatagrams = Gen.Int.Select(Gen.Int[1, 3], (seed, messages) =>
    {
        var r = new Random(seed);
        var datagram = new List<byte>();
        for (int m = 0; m < messages; m++)
        {
            var w = new NetlinkAttributeWriter();
            w.WriteRaw([(byte)r.Next(1, 20), 1, 0, 0]); // genlmsghdr: cmd, version, reserved
            void Attrs(int depth)
            {
                for (int i = r.Next(0, 5); i > 0; i--)
                {
                    ushort type = (ushort)r.Next(1, 30);
                    switch (r.Next(depth < 3 ? 7 : 6))
                    {
                        case 0: w.WriteByte(type, (byte)r.Next()); break;
                        case 1: w.WriteUInt16(type, (ushort)r.Next()); break;
                        case 2: w.WriteUInt32(type, (uint)r.Next()); break;
                        case 3: w.WriteUInt64(type, (ulong)r.NextInt64()); break;
                        case 4: w.WriteString(type, "nfc" + r.Next(10)); break;
                        case 5: w.WriteFlag(type); break;
                        default: int t = w.BeginNested(type); Attrs(depth + 1); w.EndNested(t); break;
                    }
                }
            }
            Attrs(0);
            datagram.AddRange(new NetlinkMessage((ushort)r.Next(16, 40), 0, (uint)r.Next(), 0, w.ToArray()).ToBytes());
        }
        return datagram.ToArray();
    });

    private static void Walk(NetlinkAttributeReader attributes, int depth)
    {
        foreach (var a in attributes)
        {
            switch (a.Payload.Length)
            {
                case 1: _ = a.GetByte(); break;
                case 2: _ = a.GetUInt16(); break;
                case 4: _ = a.GetUInt32(); break;
                case 8: _ = a.GetUInt64(); break;
                default: _ = a.GetString(); break;
            }
            if (a.IsNested) Walk(a.GetNested(), depth + 1);
            else if (a.Payload.Length >= 4 && (a.Type & 1) == 0) Walk(a.GetNested(), depth + 1); // kernel-typed nests without the flag
        }
    }

    [Fact]
    public void Netlink_message_and_attribute_readers_only_throw_NetlinkFormatException()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(NetlinkDatagrams, NetlinkDatagrams.Array[6, 6].Single(), 200), b =>
        {
            foreach (var m in NetlinkMessage.ParseDatagram(b))
                if (m.Payload.Length >= 4) Walk(new NetlinkAttributeReader(m.Payload.Span[4..]), 0);
        }, new AllocationBudget(8, 8192) /* payload copies + one NetlinkMessage per 16-byte header */, typeof(NetlinkFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }
}
