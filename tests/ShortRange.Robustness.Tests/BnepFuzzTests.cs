using CsCheck;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>Hostile BNEP control packets (from the PAN peer, before any authentication): documented <see cref="BnepFormatException"/>.</summary>
public class BnepFuzzTests
{
    private static readonly BnepRole[] Roles = [BnepRole.Panu, BnepRole.Nap, BnepRole.Gn];

    private static readonly Gen<byte[]> Structured = Gen.OneOf(
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.OneOf(Gen.Const((byte)2), Gen.Const((byte)4), Gen.Const((byte)16)),
            (d, s, size) => BnepCodec.Encode(BnepSetupConnectionRequest.ForRoles(Roles[d], Roles[s], size))),
        Gen.UShort[0, 6].Select(c => BnepCodec.Encode(new BnepSetupConnectionResponse((BnepSetupResponseCode)c))),
        Gen.Select(Gen.UShort, Gen.UShort, (a, b) => (a, b)).Array[0, 6]
            .Select(r => BnepCodec.Encode(new BnepFilterNetTypeSet([.. r.Select(x => new BnepNetTypeRange(Math.Min(x.a, x.b), Math.Max(x.a, x.b)))]))),
        Gen.Select(Gen.ULong[0, 0xFFFF_FFFF_FFFF], Gen.ULong[0, 0xFFFF_FFFF_FFFF], (a, b) => (a, b)).Array[0, 4]
            .Select(r => BnepCodec.Encode(new BnepFilterMultiAddrSet([.. r.Select(x => new BnepMulticastRange(Math.Min(x.a, x.b), Math.Max(x.a, x.b)))]))),
        Gen.Byte.Select(t => BnepCodec.Encode(new BnepCommandNotUnderstood(t))));

    private static readonly byte[][] Seeds =
    [
        [0x01, 0x01, 0x02, 0x11, 0x16, 0x11, 0x15],             // setup request NAP ← PANU, UUID16 (BNEP v1.0 §2.6.3.1)
        [0x01, 0x02, 0x00, 0x00],                               // setup response: success
        [0x01, 0x03, 0x00, 0x04, 0x08, 0x00, 0x08, 0x00],       // filter net type set: IPv4 only
        [0x81, 0x01, 0x02, 0x11, 0x16, 0x11, 0x15, 0x00, 0x03, 0x06, 0x00, 0x01, 0x00, 0x00], // with an extension header
    ];

    [Fact]
    public void Bnep_control_decoder_only_throws_BnepFormatException()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 100), b =>
        {
            _ = BnepCodec.ReadType(b);
            _ = BnepCodec.DecodeControl(b);
        }, new AllocationBudget(16, 8192), typeof(BnepFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }
}
