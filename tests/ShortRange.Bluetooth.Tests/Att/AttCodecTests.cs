using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>
/// ATT PDUs built by hand from the field tables of Core 5.4 Vol 3 Part F §3.4 (opcode, then little-endian
/// parameters in table order). Each row decodes to the fields the table names and re-encodes to the same octets.
/// </summary>
public class AttCodecTests
{
    private static readonly Guid Primary = BluetoothUuid.FromShort(0x2800);
    private static readonly Guid Custom = Guid.Parse("12345678-1234-5678-1234-56789abcdef0");

    // Every opcode of Table 3.37 at least once.
    public static readonly TheoryData<string> Vectors =
    [
        "01 0A 03 00 02",                              // ATT_ERROR_RSP: READ_REQ, handle 3, Read Not Permitted
        "02 05 02",                                    // ATT_EXCHANGE_MTU_REQ 517
        "03 F7 00",                                    // ATT_EXCHANGE_MTU_RSP 247
        "04 01 00 FF FF",                              // ATT_FIND_INFORMATION_REQ 0x0001–0xFFFF
        "05 01 30 00 02 29 31 00 01 29",               // ATT_FIND_INFORMATION_RSP format 1: 0x30→0x2902, 0x31→0x2901
        "05 02 10 00 F0 DE BC 9A 78 56 34 12 78 56 34 12 78 56 34 12", // format 2: one 128-bit UUID
        "06 01 00 FF FF 00 28 0F 18",                  // ATT_FIND_BY_TYPE_VALUE_REQ primary service = Battery 0x180F
        "07 10 00 15 00",                              // ATT_FIND_BY_TYPE_VALUE_RSP 0x0010–0x0015
        "08 01 00 FF FF 03 28",                        // ATT_READ_BY_TYPE_REQ characteristic declaration 0x2803
        "09 07 02 00 02 03 00 00 2A 04 00 0A 05 00 01 2A", // ATT_READ_BY_TYPE_RSP two 7-octet entries
        "0A 03 00",                                    // ATT_READ_REQ
        "0B 61 62",                                    // ATT_READ_RSP "ab"
        "0C 03 00 16 00",                              // ATT_READ_BLOB_REQ offset 22
        "0D 63",                                       // ATT_READ_BLOB_RSP
        "0E 03 00 05 00",                              // ATT_READ_MULTIPLE_REQ handles 3, 5
        "0F 01 02 03",                                 // ATT_READ_MULTIPLE_RSP
        "10 01 00 FF FF 00 28",                        // ATT_READ_BY_GROUP_TYPE_REQ primary services
        "11 06 01 00 05 00 00 18 06 00 09 00 01 18",   // ATT_READ_BY_GROUP_TYPE_RSP GAP 1–5, GATT 6–9
        "12 50 00 01 00",                              // ATT_WRITE_REQ value 01 00
        "13",                                          // ATT_WRITE_RSP
        "16 05 00 00 00 01 02 03",                     // ATT_PREPARE_WRITE_REQ offset 0
        "17 05 00 12 00 04",                           // ATT_PREPARE_WRITE_RSP offset 18
        "18 01",                                       // ATT_EXECUTE_WRITE_REQ write
        "18 00",                                       // ATT_EXECUTE_WRITE_REQ cancel
        "19",                                          // ATT_EXECUTE_WRITE_RSP
        "1B 03 00 64",                                 // ATT_HANDLE_VALUE_NTF
        "1D 03 00 65 66",                              // ATT_HANDLE_VALUE_IND
        "1E",                                          // ATT_HANDLE_VALUE_CFM
        "20 03 00 05 00 07 00",                        // ATT_READ_MULTIPLE_VARIABLE_REQ
        "21 02 00 AA BB 01 00 CC",                     // ATT_READ_MULTIPLE_VARIABLE_RSP
        "23 03 00 01 00 64 05 00 02 00 01 02",         // ATT_MULTIPLE_HANDLE_VALUE_NTF
        "52 50 00 01 00",                              // ATT_WRITE_CMD
        "D2 50 00 AA 00 01 02 03 04 05 06 07 08 09 0A 0B", // ATT_SIGNED_WRITE_CMD
    ];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Spec_vector_decodes_and_reencodes_to_the_same_octets(string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var pdu = AttCodec.Decode(bytes);
        Assert.IsNotType<AttUnknownPdu>(pdu);
        Assert.Equal(bytes[0], (byte)pdu.Opcode);
        Assert.Equal(bytes.Length, AttCodec.GetEncodedLength(pdu));
        Assert.Equal(bytes, AttCodec.Encode(pdu));
    }

    [Fact]
    public void Error_response_fields()
    {
        var e = Assert.IsType<AttErrorResponse>(AttCodec.Decode([0x01, 0x0A, 0x03, 0x00, 0x02]));
        Assert.Equal(AttOpcode.ATT_READ_REQ, e.RequestOpcodeInError);
        Assert.Equal(0x0003, e.AttributeHandleInError);
        Assert.Equal(AttErrorCode.ReadNotPermitted, e.ErrorCode);
    }

    [Fact]
    public void Mtu_fields_are_little_endian() =>
        Assert.Equal(517, Assert.IsType<AttExchangeMtuRequest>(AttCodec.Decode([0x02, 0x05, 0x02])).ClientRxMtu);

    [Fact]
    public void Find_information_response_reads_both_formats()
    {
        var short16 = Assert.IsType<AttFindInformationResponse>(AttCodec.Decode([0x05, 0x01, 0x30, 0x00, 0x02, 0x29, 0x31, 0x00, 0x01, 0x29]));
        Assert.Equal([new AttHandleUuid(0x30, BluetoothUuid.FromShort(0x2902)), new AttHandleUuid(0x31, BluetoothUuid.FromShort(0x2901))], short16.Information);
        var long128 = Assert.IsType<AttFindInformationResponse>(AttCodec.Decode(
            Convert.FromHexString("0502" + "1000" + "F0DEBC9A785634127856341278563412")));
        Assert.Equal(new AttHandleUuid(0x0010, Custom), Assert.Single(long128.Information));
    }

    [Fact]
    public void Read_by_group_type_response_entries()
    {
        var r = Assert.IsType<AttReadByGroupTypeResponse>(AttCodec.Decode(
            [0x11, 0x06, 0x01, 0x00, 0x05, 0x00, 0x00, 0x18, 0x06, 0x00, 0x09, 0x00, 0x01, 0x18]));
        Assert.Equal(2, r.AttributeDataList.Count);
        Assert.Equal((1, 5), (r.AttributeDataList[0].Handle, r.AttributeDataList[0].EndGroupHandle));
        Assert.Equal([0x00, 0x18], r.AttributeDataList[0].Value.ToArray());
        Assert.Equal((6, 9), (r.AttributeDataList[1].Handle, r.AttributeDataList[1].EndGroupHandle));
    }

    [Fact]
    public void Read_by_type_request_uses_the_16_bit_form_for_base_uuids_and_128_otherwise()
    {
        Assert.Equal([0x10, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28], AttCodec.Encode(new AttReadByGroupTypeRequest(1, 0xFFFF, Primary)));
        var full = AttCodec.Encode(new AttReadByTypeRequest(1, 0xFFFF, Custom));
        Assert.Equal(21, full.Length);
        Assert.Equal(Convert.FromHexString("F0DEBC9A785634127856341278563412"), full[5..]);
        Assert.Equal(Custom, Assert.IsType<AttReadByTypeRequest>(AttCodec.Decode(full)).AttributeType);
    }

    [Fact]
    public void Signed_write_splits_value_and_the_12_octet_signature()
    {
        var s = Assert.IsType<AttSignedWriteCommand>(AttCodec.Decode(Convert.FromHexString("D25000AA000102030405060708090A0B")));
        Assert.Equal(0x50, s.AttributeHandle);
        Assert.Equal([0xAA], s.AttributeValue.ToArray());
        Assert.Equal(Convert.FromHexString("000102030405060708090A0B"), s.AuthenticationSignature.ToArray());
    }

    [Fact]
    public void Read_multiple_variable_response_keeps_a_value_cut_at_the_mtu()
    {
        // §3.4.4.12: the last tuple may be truncated; its Length still says the full size.
        var r = Assert.IsType<AttReadMultipleVariableResponse>(AttCodec.Decode([0x21, 0x01, 0x00, 0xAA, 0x05, 0x00, 0xBB, 0xCC]));
        Assert.Equal([(ushort)1, (ushort)5], r.AttributeLengths);
        Assert.Equal([0xBB, 0xCC], r.AttributeValues[1].ToArray());
    }

    [Fact]
    public void Multiple_handle_value_notification_tuples()
    {
        var n = Assert.IsType<AttMultipleHandleValueNotification>(AttCodec.Decode(Convert.FromHexString("230300010064050002000102")));
        Assert.Equal(3, n.HandleLengthValueTupleList[0].Handle);
        Assert.Equal([0x64], n.HandleLengthValueTupleList[0].Value.ToArray());
        Assert.Equal(5, n.HandleLengthValueTupleList[1].Handle);
        Assert.Equal([0x01, 0x02], n.HandleLengthValueTupleList[1].Value.ToArray());
    }

    [Fact]
    public void Notification_fast_path_reads_without_copying()
    {
        byte[] pdu = [0x1B, 0x2A, 0x00, 0x10, 0x20];
        Assert.True(AttCodec.TryReadNotification(pdu, out var handle, out var value));
        Assert.Equal(0x002A, handle);
        Assert.True(value.Overlaps(pdu));
        Assert.Equal([0x10, 0x20], value.ToArray());
        Assert.False(AttCodec.TryReadNotification([0x1D, 0x2A, 0x00], out _, out _));
        Assert.False(AttCodec.TryReadNotification([0x1B, 0x2A], out _, out _));
        Span<byte> out5 = stackalloc byte[5];
        Assert.Equal(5, AttCodec.WriteNotification(0x002A, [0x10, 0x20], out5));
        Assert.Equal(pdu, out5.ToArray());
    }

    [Fact]
    public void Unknown_opcodes_are_kept_whole()
    {
        var u = Assert.IsType<AttUnknownPdu>(AttCodec.Decode([0x3F, 0x01]));
        Assert.Equal(AttPduKind.Unknown, AttOpcodes.GetKind(u.RawOpcode));
        Assert.False(AttOpcodes.IsCommand(0x3F));
        Assert.True(AttOpcodes.IsCommand(0x7F));   // §3.3.1 bit 6: an unknown command is ignored
        Assert.Equal([0x3F, 0x01], AttCodec.Encode(u));
    }

    [Theory]
    [InlineData(AttOpcode.ATT_EXCHANGE_MTU_REQ, AttOpcode.ATT_EXCHANGE_MTU_RSP)]
    [InlineData(AttOpcode.ATT_READ_BY_GROUP_TYPE_REQ, AttOpcode.ATT_READ_BY_GROUP_TYPE_RSP)]
    [InlineData(AttOpcode.ATT_READ_MULTIPLE_VARIABLE_REQ, AttOpcode.ATT_READ_MULTIPLE_VARIABLE_RSP)]
    [InlineData(AttOpcode.ATT_EXECUTE_WRITE_REQ, AttOpcode.ATT_EXECUTE_WRITE_RSP)]
    public void Each_request_is_answered_by_the_next_opcode(AttOpcode request, AttOpcode response)
    {
        Assert.Equal(response, AttOpcodes.ResponseTo(request));
        Assert.Equal(AttPduKind.Response, AttOpcodes.GetKind((byte)response));
    }

    [Fact]
    public void Kinds_follow_table_3_37()
    {
        Assert.Equal(AttPduKind.Command, AttOpcodes.GetKind(0x52));
        Assert.Equal(AttPduKind.Command, AttOpcodes.GetKind(0xD2));
        Assert.Equal(AttPduKind.Notification, AttOpcodes.GetKind(0x23));
        Assert.Equal(AttPduKind.Indication, AttOpcodes.GetKind(0x1D));
        Assert.Equal(AttPduKind.Confirmation, AttOpcodes.GetKind(0x1E));
        Assert.Throws<ArgumentException>(() => AttOpcodes.ResponseTo(AttOpcode.ATT_WRITE_CMD));
    }

    [Theory]
    [InlineData("")]                                   // no opcode
    [InlineData("01 0A 03 00")]                        // error response short one octet
    [InlineData("01 0A 03 00 02 00")]                  // and long one octet
    [InlineData("02 05")]                              // MTU request cut
    [InlineData("05 03 03 00 02 29")]                  // reserved Find Information format
    [InlineData("05 01 03 00 02")]                     // half an entry
    [InlineData("05 01")]                              // no entries
    [InlineData("05 02 03 00 02 29")]                  // format 2 with a 16-bit UUID
    [InlineData("07 10 00 15")]                        // handle range cut
    [InlineData("08 01 00 FF FF 03 28 00")]            // 3-octet UUID
    [InlineData("09 01 02 00")]                        // entry length shorter than a handle
    [InlineData("09 07 02 00 02 03 00 00")]            // entry shorter than its length
    [InlineData("11 03 01 00 05")]                     // group entry shorter than two handles
    [InlineData("0E 03 00")]                           // read multiple with one handle
    [InlineData("20 03 00 05")]                        // odd handle set
    [InlineData("18 02")]                              // reserved execute write flags
    [InlineData("13 00")]                              // write response with parameters
    [InlineData("D2 04 00 00 01 02 03 04 05 06 07 08 09 0A")] // signature cut
    [InlineData("21 02 00 AA BB 01")]                  // Length field cut
    [InlineData("23 03 00 05 00 64")]                  // notification tuple value past the PDU
    [InlineData("1B 03")]                              // notification handle cut
    public void Malformed_pdus_throw_AttFormatException(string hex) =>
        Assert.Throws<AttFormatException>(() => AttCodec.Decode(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));

    [Fact]
    public void Encoder_refuses_what_no_pdu_can_carry()
    {
        Assert.Throws<ArgumentException>(() => AttCodec.Encode(new AttReadMultipleRequest([3])));
        Assert.Throws<ArgumentException>(() => AttCodec.Encode(new AttFindInformationResponse([])));
        Assert.Throws<ArgumentException>(() => AttCodec.Encode(new AttReadByTypeResponse(
            [new AttHandleValue(1, new byte[] { 1 }), new AttHandleValue(2, new byte[] { 1, 2 })])));
        Assert.Throws<ArgumentException>(() => AttCodec.Encode(new AttSignedWriteCommand(1, new byte[] { 1 }, new byte[11])));
        Assert.Throws<ArgumentException>(() => AttCodec.Encode(new AttReadRequest(1), new byte[2]));
    }

    [Fact]
    public void Find_information_response_falls_back_to_128_bit_when_any_uuid_needs_it()
    {
        var bytes = AttCodec.Encode(new AttFindInformationResponse([new AttHandleUuid(1, Primary), new AttHandleUuid(2, Custom)]));
        Assert.Equal(AttCodec.FindInformationFormat128, bytes[1]);
        Assert.Equal(2 + 2 * 18, bytes.Length);
        Assert.Equal(Convert.FromHexString("FB349B5F800000800010000000280000"), bytes[4..20]); // 0x2800 over the Base UUID, LE
    }
}
