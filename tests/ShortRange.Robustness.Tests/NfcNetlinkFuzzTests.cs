using CsCheck;
using ShortRange.Linux.Netlink;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Netlink;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile input for the NFC parsers added after the first pass: the "nfc" generic-netlink codec (documented:
/// <see cref="NfcNetlinkFormatException"/> for missing/out-of-range attributes, <see cref="NetlinkFormatException"/> for short
/// or overrunning ones) and the zero-allocation <see cref="NdefReader"/> (documented: <see cref="NdefFormatException"/>).
/// </summary>
public class NfcNetlinkFuzzTests
{
    /// <summary>Attribute sets as the kernel's nfc_genl_* builders emit them (types 1–31 with their sizes), plus odd sizes.</summary>
    internal static readonly Gen<byte[]> Attributes = Gen.Int.Select(Gen.Int[0, 10], (seed, count) =>
    {
        var r = new Random(seed);
        var w = new NetlinkAttributeWriter();
        for (int i = 0; i < count; i++)
        {
            ushort type = (ushort)r.Next(1, 32);
            switch (r.Next(8))
            {
                case 0: w.WriteByte(type, (byte)r.Next(256)); break;
                case 1: w.WriteUInt16(type, (ushort)r.Next()); break;
                case 2: case 3: w.WriteUInt32(type, (uint)r.Next(0, 4)); break;
                case 4: w.WriteString(type, "nfc" + r.Next(3)); break;
                case 5: w.Write(type, Enumerable.Range(0, r.Next(0, 20)).Select(_ => (byte)r.Next(256)).ToArray()); break;
                case 6: { int t = w.BeginNested(type); w.WriteUInt32(NfcNetlinkConstants.NFC_ATTR_TARGET_INDEX, (uint)r.Next(3)); w.WriteUInt32(NfcNetlinkConstants.NFC_ATTR_PROTOCOLS, 0x10); w.EndNested(t); break; }
                default: w.WriteFlag(type); break;
            }
        }
        return w.ToArray();
    });

    private static readonly byte[][] Seeds =
    [
        new NetlinkAttributeWriter().WriteUInt32(NfcNetlinkConstants.NFC_ATTR_DEVICE_INDEX, 0).WriteString(NfcNetlinkConstants.NFC_ATTR_DEVICE_NAME, "nfc0")
            .WriteUInt32(NfcNetlinkConstants.NFC_ATTR_PROTOCOLS, 0x3E).WriteByte(NfcNetlinkConstants.NFC_ATTR_DEVICE_POWERED, 1).ToArray(),
        new NetlinkAttributeWriter().WriteUInt32(NfcNetlinkConstants.NFC_ATTR_TARGET_INDEX, 1).WriteUInt32(NfcNetlinkConstants.NFC_ATTR_PROTOCOLS, 0x20)
            .WriteUInt16(NfcNetlinkConstants.NFC_ATTR_TARGET_SENS_RES, 0x0044).WriteByte(NfcNetlinkConstants.NFC_ATTR_TARGET_SEL_RES, 0x40)
            .Write(NfcNetlinkConstants.NFC_ATTR_TARGET_NFCID1, [1, 2, 3, 4, 5, 6, 7]).ToArray(),
        new NetlinkAttributeWriter().WriteUInt32(NfcNetlinkConstants.NFC_ATTR_DEVICE_INDEX, 0).WriteUInt32(NfcNetlinkConstants.NFC_ATTR_TARGET_INDEX, 1)
            .WriteByte(NfcNetlinkConstants.NFC_ATTR_COMM_MODE, 0).WriteByte(NfcNetlinkConstants.NFC_ATTR_RF_MODE, 0).ToArray(),
    ];

    [Fact]
    public void Nfc_netlink_codec_only_throws_its_documented_exceptions()
    {
        var gen = Gen.Select(Gen.Byte[0, 32], Mutator.Mix(Attributes, Seeds, 120), (cmd, attrs) => (Command: cmd, Attributes: attrs));
        var stats = FuzzHarness.Run(gen, x => x.Attributes.Length + 1, x =>
        {
            _ = NfcNetlinkCodec.ParseEvent(x.Command, x.Attributes);
            switch (x.Command % 5)
            {
                case 0: _ = NfcNetlinkCodec.ParseDevice(x.Attributes); break;
                case 1: _ = NfcNetlinkCodec.ParseTarget(x.Attributes); break;
                case 2: _ = NfcNetlinkCodec.ParseLlcParameters(x.Attributes); break;
                case 3: _ = NfcNetlinkCodec.ParseSecureElement(x.Attributes); break;
            }
        }, new AllocationBudget(16, 8192), typeof(NfcNetlinkFormatException), typeof(NetlinkFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Ndef_reader_view_only_throws_NdefFormatException_and_allocates_nothing_on_success()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(NfcFuzzTests.NdefMessages, NfcFuzzTests.NdefSeeds, 300), b =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int n = 0;
            foreach (var r in new NdefReader(b)) n += r.Payload.Length + r.Type.Length;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated != 0) throw new FuzzContractException($"a valid message of {b.Length} bytes allocated {allocated} bytes");
        }, new AllocationBudget(0, 8192) /* spans into the input: only a thrown exception allocates */, typeof(NdefFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }
}
