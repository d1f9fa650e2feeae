using CsCheck;
using ShortRange.Bluetooth.Att;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile ATT PDUs (from any LE peer, before pairing): the decoder throws only <see cref="AttFormatException"/>,
/// never allocates from a length field, and whatever it accepts re-encodes to the same octets (except the one PDU
/// whose last value may be cut, ATT_READ_MULTIPLE_VARIABLE_RSP, and 128-bit aliases of 16-bit UUIDs).
/// </summary>
public class AttFuzzTests
{
    private static readonly byte[] Opcodes =
        [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13,
         0x16, 0x17, 0x18, 0x19, 0x1B, 0x1D, 0x1E, 0x20, 0x21, 0x23, 0x52, 0xD2];

    // A known opcode (or any byte) with list-shaped bodies: a count/format octet then short entries.
    private static readonly Gen<byte[]> Structured = Gen.Select(
        Gen.OneOf(Gen.Int[0, Opcodes.Length - 1].Select(i => Opcodes[i]), Gen.Byte),
        Gen.OneOf(Gen.Const((byte)1), Gen.Const((byte)2), Gen.Byte[0, 24]),
        Gen.Byte.Array[0, 64],
        (op, first, rest) => (byte[])[op, first, .. rest]);

    private static readonly byte[][] Seeds =
    [
        Convert.FromHexString("05010300022904000129"),                 // Find Information 16-bit
        Convert.FromHexString("0502100078563412341278563412785634120000"), // Find Information 128-bit
        Convert.FromHexString("0907020002030000 2A04000A050001 2A".Replace(" ", "", StringComparison.Ordinal)),
        Convert.FromHexString("1106010005000018060009000118"),          // Read By Group Type
        Convert.FromHexString("2102 00AABB0100CC".Replace(" ", "", StringComparison.Ordinal)),
        Convert.FromHexString("230300010064050002000102"),              // Multiple Handle Value NTF
        Convert.FromHexString("D20400AA000102030405060708090A0B"),      // Signed Write
        Convert.FromHexString("1B030064"),
    ];

    [Fact]
    public void Att_decoder_only_throws_AttFormatException_and_accepted_pdus_reencode()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 100), b =>
        {
            _ = AttCodec.TryReadNotification(b, out _, out _);
            var pdu = AttCodec.Decode(b);
            if (pdu is AttReadMultipleVariableResponse || HasUuid(pdu)) return;
            var again = AttCodec.Encode(pdu);
            if (!again.AsSpan().SequenceEqual(b))
                throw new InvalidOperationException($"{Convert.ToHexString(b)} re-encoded as {Convert.ToHexString(again)}");
        }, new AllocationBudget(40, 8192), typeof(AttFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    // A 16-octet Base-UUID alias re-encodes in 2 octets (the shortest form), so those rows cannot round-trip.
    private static bool HasUuid(AttPdu pdu) =>
        pdu is AttFindInformationResponse or AttReadByTypeRequest or AttReadByGroupTypeRequest;
}
