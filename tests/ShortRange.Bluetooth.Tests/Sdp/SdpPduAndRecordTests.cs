using ShortRange.Bluetooth.Sdp;

namespace ShortRange.Bluetooth.Tests.Sdp;

public class SdpPduAndRecordTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    // `sdptool add SP` record as libbluetooth's sdp_gen_record_pdu writes it (tools/sdptool.c add_sp, channel 7), printed on this machine.
    internal const string BlueZSpp = "354B0900013503191101090004350C350319010035051900030807090005350319100209000935083506191101090100"
        + "090100250B53657269616C20506F72740901012508434F4D20506F7274";

    [Fact]
    public void BlueZ_SPP_record_reads_as_typed_fields()
    {
        var r = SdpRecord.FromAttributeList(SdpElementCodec.Decode(H(BlueZSpp)));
        Assert.Equal([SdpUuid.FromShort(SdpUuid.SerialPort)], r.ServiceClassIds);
        Assert.Equal((byte)7, r.RfcommChannel);
        Assert.Null(r.L2capPsm);
        Assert.Equal([SdpUuid.FromShort(SdpUuid.PublicBrowseRoot)], r.BrowseGroups);
        Assert.Equal(new SdpProfileDescriptor(SdpUuid.FromShort(SdpUuid.SerialPort), 0x0100), Assert.Single(r.ProfileDescriptors));
        Assert.Equal("Serial Port", r.ServiceName);
        Assert.Equal("COM Port", r.ServiceDescription);
        Assert.Null(r.Handle);
    }

    // Core spec Vol 3 Part B §4.5.1: PDU ID 0x02, TransactionID, ParameterLength, ServiceSearchPattern (DES of UUIDs),
    // MaximumServiceRecordCount, ContinuationState (InfoLength 0).
    [Fact]
    public void ServiceSearchRequest_layout_follows_4_5_1()
    {
        var pdu = new SdpServiceSearchRequest(0x0001, [SdpUuid.FromShort(0x1101)], 0x0010, default);
        var bytes = SdpPduCodec.Encode(pdu);
        Assert.Equal(H("02 0001 0008 35 03 19 1101 0010 00"), bytes);
        var back = Assert.IsType<SdpServiceSearchRequest>(SdpPduCodec.Decode(bytes));
        Assert.Equal(pdu.Pattern, back.Pattern);
        Assert.Equal(0x0010, back.MaximumServiceRecordCount);
    }

    // §4.7.1 with an ID and a range in the AttributeIDList (uint16 0x0004, uint32 0x0100_0102) and a continuation state.
    [Fact]
    public void ServiceSearchAttributeRequest_with_ranges_and_continuation_follows_4_7_1()
    {
        var pdu = new SdpServiceSearchAttributeRequest(0x1234, [SdpUuid.FromShort(0x1002)], 0x0200,
            [SdpAttributeRange.Single(0x0004), new SdpAttributeRange(0x0100, 0x0102)], new SdpContinuationState(H("00000040")));
        var bytes = SdpPduCodec.Encode(pdu);
        Assert.Equal(H("06 1234 0016 3503 191002 0200 3508 090004 0A01000102 04 00000040"), bytes);
        var back = Assert.IsType<SdpServiceSearchAttributeRequest>(SdpPduCodec.Decode(bytes));
        Assert.Equal(pdu.AttributeIds, back.AttributeIds);
        Assert.Equal(pdu.Continuation, back.Continuation);
    }

    [Fact]
    public void Responses_decode_per_4_5_2_4_6_2_and_4_4_1()
    {
        var s = Assert.IsType<SdpServiceSearchResponse>(SdpPduCodec.Decode(H("03 0001 000D 0002 0002 00010000 00010001 00")));
        Assert.Equal([0x10000u, 0x10001u], s.Handles);
        var a = Assert.IsType<SdpAttributeResponse>(SdpPduCodec.Decode(H("05 0002 0008 0003 350109 02 0001")));
        Assert.Equal(H("350109"), a.Fragment.ToArray());
        Assert.Equal(new SdpContinuationState(H("0001")), a.Continuation);
        var e = Assert.IsType<SdpErrorResponse>(SdpPduCodec.Decode(H("01 0003 0002 0002")));
        Assert.Equal(SdpErrorCode.InvalidServiceRecordHandle, e.ErrorCode);
    }

    [Theory]
    [InlineData("02 0001", "shorter than its 5-byte header")]
    [InlineData("02 0001 0009 3503191101 0010 00", "ParameterLength 9")]
    [InlineData("05 0002 0004 0010 3501", "AttributeList needs 16")]
    [InlineData("05 0002 0014 0000 11 000102030405060708090A0B0C0D0E0F10", "InfoLength 17")]
    [InlineData("03 0001 0009 0001 0002 00010000 00", "ServiceRecordHandleList needs 8")]
    [InlineData("09 0001 0000", "unknown SDP PDU ID")]
    [InlineData("05 0002 0005 0001 35 02 00", "ContinuationState of 2 bytes")]
    [InlineData("04 0001 000B 00010000 0007 3502 0801 00", "AttributeIDList entries")]
    [InlineData("04 0001 000E 00010000 0007 3505 0A 00030001 00", "reversed")]
    public void Hostile_PDUs_throw_SdpFormatException(string hex, string reason)
    {
        var ex = Assert.Throws<SdpFormatException>(() => SdpPduCodec.Decode(H(hex)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
