using CsCheck;
using ShortRange.Bluetooth.Sdp;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile SDP from a peer (before any pairing: SDP runs at security level SDP). Documented exception:
/// <see cref="SdpFormatException"/> for the element, PDU and record decoders; the server's request handler never
/// throws (it answers SDP_ErrorResponse).
/// </summary>
public class SdpFuzzTests
{
    private static readonly Gen<SdpElement> Leaf = Gen.OneOf(
        Gen.Byte.Select(SdpElement.UInt8), Gen.UShort.Select(SdpElement.UInt16), Gen.UInt.Select(SdpElement.UInt32),
        Gen.Long.Select(SdpElement.Int64), Gen.UShort.Select(SdpElement.Uuid16), Gen.Guid.Select(SdpElement.Uuid128),
        Gen.String[0, 40].Select(SdpElement.Text), Gen.Bool.Select(SdpElement.Boolean), Gen.Const(SdpElement.Nil));

    private static readonly Gen<SdpElement> Element = Gen.OneOf(Leaf,
        Leaf.Array[0, 6].Select(a => SdpElement.Sequence(a)),
        Leaf.Array[0, 4].Select(a => SdpElement.Alternative(SdpElement.Sequence(a), SdpElement.Sequence(a))));

    private static readonly Gen<byte[]> Structured = Gen.OneOf(
        Element.Select(SdpElementCodec.Encode),
        Gen.Select(Gen.UShort, Gen.UShort[1, 0xFFFF], Gen.Int[0, 3]).Select((tid, max, r) => SdpPduCodec.Encode(
            new SdpServiceSearchAttributeRequest(tid, [SdpUuid.FromShort(0x1002)], max, [SdpAttributeRange.All, new SdpAttributeRange(1, (ushort)(r + 1))],
                r == 0 ? default : new SdpContinuationState(new byte[r * 4])))),
        Gen.Select(Gen.UShort, Gen.UInt.Array[0, 8]).Select((tid, h) => SdpPduCodec.Encode(new SdpServiceSearchResponse(tid, (ushort)h.Length, h, default))),
        Gen.UShort.Select(tid => SdpPduCodec.Encode(new SdpAttributeResponse(tid, true,
            SdpElementCodec.Encode(SdpElement.Sequence(SdpRecords.SerialPort(0x10000, 3).ToAttributeList())), default))));

    private static readonly byte[][] Seeds =
    [
        Convert.FromHexString("354B0900013503191101090004350C350319010035051900030807090005350319100209000935083506191101090100"
            + "090100250B53657269616C20506F72740901012508434F4D20506F7274"), // BlueZ's `sdptool add SP` record
        Convert.FromHexString("0600010008350319100200FF00"),
        Convert.FromHexString("0500020008000335010902 0001".Replace(" ", "", StringComparison.Ordinal)),
    ];

    [Fact]
    public void Sdp_element_and_record_decoders_only_throw_SdpFormatException()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 200), b =>
        {
            var e = SdpElementCodec.Decode(b);
            if (e.Type == SdpElementType.Sequence && e.Items.Count % 2 == 0 && e.Items.Count > 0)
            {
                var r = SdpRecord.FromAttributeList(e);
                _ = (r.ServiceClassIds, r.ProtocolDescriptors, r.ProfileDescriptors, r.RfcommChannel, r.L2capPsm, r.ServiceName, r.BrowseGroups);
            }
        }, new AllocationBudget(200, 16384) /* one element object per header byte, plus list growth */, typeof(SdpFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Sdp_pdu_decoder_only_throws_SdpFormatException()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 200), b => _ = SdpPduCodec.Decode(b),
            new AllocationBudget(200, 16384), typeof(SdpFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Sdp_server_answers_every_request_without_throwing()
    {
        var db = new SdpDatabase();
        db.Add(SdpRecords.SerialPort(db.AllocateHandle(), 3));
        db.Add(SdpRecords.Pan(db.AllocateHandle(), SdpUuid.NAP));
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 200), b =>
        {
            var response = db.Handle(b, 672);
            if (response.Length > 672) throw new InvalidOperationException($"response of {response.Length} bytes exceeds the MTU");
            _ = SdpPduCodec.Decode(response); // our own answers must be well-formed
        }, new AllocationBudget(400, 65536), typeof(SdpFormatException));
        Assert.Equal(0, stats.Rejected);
    }
}
