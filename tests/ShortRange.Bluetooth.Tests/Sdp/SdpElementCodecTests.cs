using ShortRange.Bluetooth.Sdp;

namespace ShortRange.Bluetooth.Tests.Sdp;

/// <summary>
/// Data elements against BlueZ's encoder: the expected bytes were printed by libbluetooth 5.x sdp_gen_pdu
/// (sdp_data_alloc of each type, lib/sdp.c) on this machine, not by our encoder.
/// </summary>
public class SdpElementCodecTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static TheoryData<string, string> BlueZ => new()
    {
        { "08 AB", "UInt8 0xAB" },
        { "09 BEEF", "UInt16 0xBEEF" },
        { "0A DEADBEEF", "UInt32 0xDEADBEEF" },
        { "0B 0102030405060708", "UInt64 0x102030405060708" },
        { "10 FE", "Int8 -2" },
        { "11 FED4", "Int16 -300" },
        { "12 FFFEEE90", "Int32 -70000" },
        { "13 FFFFFFFED5FA0E00", "Int64 -5000000000" },
        { "28 01", "Bool True" },
        { "00", "Nil" },
        { "19 1101", "UUID16 00001101-0000-1000-8000-00805f9b34fb" },
        { "1A 12345678", "UUID32 12345678-0000-1000-8000-00805f9b34fb" },
        { "1C F000110100001000800000805F9B34FB", "UUID128 f0001101-0000-1000-8000-00805f9b34fb" },
        { "25 0B 53657269616C20506F7274", "Text \"Serial Port\"" },
        { "45 0B 687474703A2F2F612E622F", "URL http://a.b/" },
        { "35 0A 19 0100 35 05 19 0003 08 05", "Sequence [UUID16 00000100-0000-1000-8000-00805f9b34fb, Sequence [UUID16 00000003-0000-1000-8000-00805f9b34fb, UInt8 0x5]]" },
    };

    [Theory]
    [MemberData(nameof(BlueZ))]
    public void Decodes_BlueZ_encoding_and_reencodes_byte_exact(string hex, string expected)
    {
        var bytes = H(hex);
        var e = SdpElementCodec.Decode(bytes);
        Assert.Equal(expected, e.ToString());
        Assert.Equal(bytes, SdpElementCodec.Encode(e));
    }

    [Fact]
    public void Factories_produce_BlueZ_bytes()
    {
        Assert.Equal(H("08AB"), SdpElementCodec.Encode(SdpElement.UInt8(0xAB)));
        Assert.Equal(H("09BEEF"), SdpElementCodec.Encode(SdpElement.UInt16(0xBEEF)));
        Assert.Equal(H("0B0102030405060708"), SdpElementCodec.Encode(SdpElement.UInt64(0x0102030405060708)));
        Assert.Equal(H("12FFFEEE90"), SdpElementCodec.Encode(SdpElement.Int32(-70000)));
        Assert.Equal(H("13FFFFFFFED5FA0E00"), SdpElementCodec.Encode(SdpElement.Int64(-5000000000)));
        Assert.Equal(H("191101"), SdpElementCodec.Encode(SdpElement.Uuid(SdpUuid.FromShort(0x1101))));
        Assert.Equal(H("1A12345678"), SdpElementCodec.Encode(SdpElement.Uuid(SdpUuid.FromShort(0x12345678))));
        Assert.Equal(H("1CF000110100001000800000805F9B34FB"), SdpElementCodec.Encode(SdpElement.Uuid128(new Guid("f0001101-0000-1000-8000-00805f9b34fb"))));
        Assert.Equal(H("250B53657269616C20506F7274"), SdpElementCodec.Encode(SdpElement.Text("Serial Port")));
        Assert.Equal(H("2801"), SdpElementCodec.Encode(SdpElement.Boolean(true)));
        Assert.Equal(H("00"), SdpElementCodec.Encode(SdpElement.Nil));
        Assert.Equal(H("350A190100350519000308 05".Replace(" ", "", StringComparison.Ordinal)), SdpElementCodec.Encode(
            SdpElement.Sequence(SdpElement.Uuid16(0x0100), SdpElement.Sequence(SdpElement.Uuid16(0x0003), SdpElement.UInt8(5)))));
    }

    [Fact]
    public void Uint128_and_16_bit_text_length_match_BlueZ()
    {
        // sdp_gen_pdu(SDP_UINT128) of a uint128_t holding 01..10 in host order writes 10..01 (big-endian on the wire).
        var u = SdpElementCodec.Decode(H("0C 100F0E0D0C0B0A090807060504030201"));
        Assert.Equal(SdpElementType.UnsignedInteger, u.Type);
        Assert.Equal(4, u.SizeIndex);
        Assert.Equal(H("100F0E0D0C0B0A090807060504030201"), u.Value.ToArray());
        // SDP_TEXT_STR16 of 299 'x': header 0x26, length 0x012B.
        var text = new string('x', 299);
        var bytes = SdpElementCodec.Encode(SdpElement.Text(text));
        Assert.Equal(H("26012B"), bytes[..3]);
        Assert.Equal(text, SdpElementCodec.Decode(bytes).AsText());
    }

    [Fact]
    public void Text_with_32_bit_length_and_sequence_with_16_bit_length()
    {
        // Table 3.2: size index 7 is a 32-bit length, 6 a 16-bit length (Core spec Vol 3 Part B §3.3).
        var e = SdpElementCodec.Decode(H("27 00000002 4142"));
        Assert.Equal("AB", e.AsText());
        var s = SdpElementCodec.Decode(H("36 0002 0801"));
        Assert.Equal(1UL, s.Items[0].AsUInt64());
    }

    [Theory]
    [InlineData("", "header missing")]
    [InlineData("09 BE", "needs 2 data bytes")]
    [InlineData("01", "size index 1 is not valid for Nil")]
    [InlineData("18 00", "size index 0 is not valid for Uuid")]
    [InlineData("1B 0000000000000000", "size index 3 is not valid for Uuid")]
    [InlineData("20 00", "size index 0 is not valid for Text")]
    [InlineData("48 00", "reserved data element type 9")]
    [InlineData("25 05 41", "needs 5 data bytes")]
    [InlineData("26 00", "16-bit data length missing")]
    [InlineData("27 FFFFFFFF 00", "exceeds")]
    [InlineData("35 03 09 00", "needs 3 data bytes")]
    [InlineData("28 02", "boolean value")]
    [InlineData("35 02 08 01 08", "follow")]
    public void Hostile_elements_throw_SdpFormatException(string hex, string reason)
    {
        var ex = Assert.Throws<SdpFormatException>(() => SdpElementCodec.Decode(H(hex)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_bound_is_rejected()
    {
        // 40 nested empty sequences: 35 4E 35 4C … built from the inside out.
        var b = new byte[] { 0x35, 0x00 };
        for (int i = 0; i < 40; i++) b = [0x35, (byte)b.Length, .. b];
        Assert.Contains("nested", Assert.Throws<SdpFormatException>(() => SdpElementCodec.Decode(b)).Message, StringComparison.Ordinal);
    }
}
