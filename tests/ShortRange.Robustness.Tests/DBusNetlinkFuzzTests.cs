using System.Text;
using CsCheck;
using ShortRange.DBus;
using ShortRange.Linux.Netlink;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile input for the D-Bus wire reader and signature parser (documented: <see cref="ProtocolException"/>; the limits of
/// the D-Bus specification) and for the netlink message/attribute readers (documented: <see cref="NetlinkFormatException"/>).
/// </summary>
public class DBusNetlinkFuzzTests
{
    private static VariantValue RandomValue(Random r, int depth)
    {
        int k = r.Next(depth > 3 ? 9 : 14);
        return k switch
        {
            0 => (byte)r.Next(256),
            1 => r.Next(2) == 0,
            2 => (short)r.Next(),
            3 => r.Next(),
            4 => (long)r.NextInt64(),
            5 => r.NextDouble(),
            6 => new string('x', r.Next(0, 20)) + "é☃",
            7 => VariantValue.ObjectPath(new ObjectPath("/org/shortrange/o" + r.Next(100))),
            8 => VariantValue.ByteArray(Enumerable.Range(0, r.Next(0, 40)).Select(i => (byte)i).ToArray()),
            9 => VariantValue.Variant(RandomValue(r, depth + 1)),
            10 => VariantValue.Struct(RandomValue(r, depth + 1), RandomValue(r, depth + 1)),
            11 => VariantValue.Array("i", Enumerable.Range(0, r.Next(0, 6)).Select(i => (VariantValue)i).ToArray()),
            12 => VariantValue.StringVariantDictionary(Enumerable.Range(0, r.Next(0, 4)).Select(i => new KeyValuePair<string, VariantValue>("k" + i, RandomValue(r, depth + 1)))),
            _ => VariantValue.Array("v", Enumerable.Range(0, r.Next(0, 4)).Select(_ => VariantValue.Variant(RandomValue(r, depth + 1))).ToArray()),
        };
    }

    /// <summary>Valid messages of every type with random variant bodies (what our writer — and the bus — produce).</summary>
    internal static readonly Gen<byte[]> Messages = Gen.Int.Select(Gen.Int[0, 3], Gen.Int[0, 4], (seed, type, count) =>
    {
        var r = new Random(seed);
        var w = new MessageWriter();
        try
        {
            string sig = new('v', count);
            switch (type)
            {
                case 0: w.WriteMethodCallHeader("org.neard", "/org/neard/nfc0", "org.neard.Adapter", "StartPollLoop", sig.Length == 0 ? null : sig); break;
                case 1: w.WriteSignalHeader(null, "/org/neard", "org.freedesktop.DBus.Properties", "PropertiesChanged", sig.Length == 0 ? null : sig); break;
                case 2: w.WriteMethodReturnHeader((uint)r.Next(1, 1000), ":1.42", sig.Length == 0 ? null : sig); break;
                default: w.WriteError((uint)r.Next(1, 1000), ":1.42"u8, "org.neard.Error.NotReady", "not ready"); count = 0; break;
            }
            for (int i = 0; i < count; i++) w.WriteVariant(RandomValue(r, 0));
            using var m = w.CreateMessage();
            m.Serial = (uint)r.Next(1, int.MaxValue);
            return m.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    });

    [Fact]
    public void DBus_message_reader_only_throws_ProtocolException()
    {
        var seeds = Messages.Array[8, 8].Single();
        var stats = FuzzHarness.Run(Mutator.Mix(Messages, seeds, 200), b =>
        {
            using var m = Message.Parse(b);
            _ = DBusObjectProxy.ReadAll(m);
            _ = m.ToString();
        }, new AllocationBudget(160, 16_384) /* one VariantValue (+ list slot) per value; a 4-byte variant of 'y' is the densest */, typeof(ProtocolException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void DBus_fixed_header_length_is_checked_before_any_buffer_is_sized()
    {
        FuzzHarness.Run(Mutator.Mix(Messages.Select(m => m[..16]), [[(byte)'l', 1, 0, 1, 0xFF, 0xFF, 0xFF, 0x7F, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]], 16),
            b => _ = Message.GetTotalLength(b), new AllocationBudget(0, 8192), typeof(ProtocolException));
    }

    private static readonly Gen<string> SignatureText = Gen.OneOf(
        Gen.Char["ybnqiuxtdsogvha(){}"].Array[0, 300].Select(c => new string(c)),
        Gen.Int[1, 80].Select(n => new string('a', n) + "y"),
        Gen.Int[1, 80].Select(n => new string('(', n) + "y" + new string(')', n)),
        Gen.Int[1, 40].Select(n => string.Concat(Enumerable.Repeat("av", n)) + "y"),
        Gen.String[0, 20]);

    [Fact]
    public void Signature_parser_never_throws_from_TryValidate_and_only_ProtocolException_from_Validate()
    {
        int valid = 0;
        FuzzHarness.Run(SignatureText, s => s.Length, s =>
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            bool ok = SignatureValidator.TryValidate(bytes, out _);
            if (ok)
            {
                valid++;
                for (int pos = 0; pos < bytes.Length;) pos += SignatureValidator.GetFirstTypeLength(bytes.AsSpan(pos));
            }
            SignatureValidator.Validate(bytes);
            Assert.True(ok, "Validate accepted what TryValidate rejected");
        }, new AllocationBudget(4, 8192), typeof(ProtocolException));
        Assert.True(valid > 0);
    }

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
