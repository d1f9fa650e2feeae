using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;

namespace ShortRange.Nfc.Tests.Llcp;

public class LlcpPduTests
{
    [Fact]
    public void Connect_to_snep_sap_4_from_sap_32()
    {
        // DSAP 4, PTYPE CONNECT (0100), SSAP 32: 000100|01 00|100000 = 0x11 0x20
        Span<byte> buf = stackalloc byte[2];
        Assert.Equal(2, new LlcpPdu(4, LlcpPtype.Connect, 32, null, []).Write(buf));
        Assert.Equal(new byte[] { 0x11, 0x20 }, buf.ToArray());
        var p = LlcpPdu.Parse(buf);
        Assert.Equal((4, LlcpPtype.Connect, 32), (p.Dsap, p.Ptype, p.Ssap));
    }

    // NFC Forum LLCP 1.1 §4.1 (Figure 3): DSAP in bits 15..10, PTYPE in bits 9..6, SSAP in bits 5..0 of the first two
    // octets; I, RR and RNR carry a sequence octet N(S)|N(R) (§4.3.10–4.3.12). PTYPE values from Table 2 (§4.3).
    // Vectors written by hand: DSAP 0x10 = 010000, SSAP 0x21 = 100001.
    [Theory]
    [InlineData("0000", 0, 0x0, 0, null, "")]                      // SYMM: DSAP 0, SSAP 0, no information
    [InlineData("0040" + "010111", 0, 0x1, 0, null, "010111")]     // PAX with a VERSION TLV (type 1, length 1, 1.1)
    [InlineData("4081" + "00020000", 0x10, 0x2, 0x01, null, "00020000")] // AGF: 010000|00 10|000001, one 2-octet SYMM inside
    [InlineData("40E1" + "AB", 0x10, 0x3, 0x21, null, "AB")]       // UI: 010000|00 11|100001
    [InlineData("0521" + "0604" + "74657374", 0x01, 0x4, 0x21, null, "060474657374")] // CONNECT to SDP (1) with SN TLV "test"
    [InlineData("4161", 0x10, 0x5, 0x21, null, "")]                // DISC: 010000|01 01|100001
    [InlineData("41A1", 0x10, 0x6, 0x21, null, "")]                // CC:   010000|01 10|100001
    [InlineData("41E1" + "00", 0x10, 0x7, 0x21, null, "00")]       // DM with reason 00
    [InlineData("4221" + "C4000000", 0x10, 0x8, 0x21, null, "C4000000")] // FRMR: 010000|10 00|100001
    [InlineData("0661" + "0803016162", 0x01, 0x9, 0x21, null, "0803016162")] // SNL to SDP with SDREQ TLV (tid 1, "ab")
    [InlineData("4321" + "12" + "CAFE", 0x10, 0xC, 0x21, 0x12, "CAFE")] // I: 010000|11 00|100001, N(S)=1 N(R)=2
    [InlineData("4361" + "03", 0x10, 0xD, 0x21, 0x03, "")]         // RR:  010000|11 01|100001, N(R)=3
    [InlineData("43A1" + "07", 0x10, 0xE, 0x21, 0x07, "")]         // RNR: 010000|11 10|100001, N(R)=7
    public void Every_ptype_matches_the_spec_header_layout(string hex, int dsap, int ptype, int ssap, int? sequence, string information)
    {
        var bytes = Convert.FromHexString(hex);
        var p = LlcpPdu.Parse(bytes);
        Assert.Equal(((byte)dsap, (LlcpPtype)ptype, (byte)ssap), (p.Dsap, p.Ptype, p.Ssap));
        Assert.Equal(sequence is null ? null : (byte?)sequence, p.Sequence);
        Assert.Equal(information, Convert.ToHexString(p.Information));
        var written = new byte[bytes.Length];
        Assert.Equal(bytes.Length, new LlcpPdu((byte)dsap, (LlcpPtype)ptype, (byte)ssap, (byte?)sequence, Convert.FromHexString(information)).Write(written));
        Assert.Equal(hex, Convert.ToHexString(written));
    }

    [Fact]
    public void Ptype_values_are_table_2_of_the_spec()
    {
        Assert.Equal(
            new (LlcpPtype, byte)[]
            {
                (LlcpPtype.Symm, 0b0000), (LlcpPtype.Pax, 0b0001), (LlcpPtype.Agf, 0b0010), (LlcpPtype.Ui, 0b0011),
                (LlcpPtype.Connect, 0b0100), (LlcpPtype.Disc, 0b0101), (LlcpPtype.Cc, 0b0110), (LlcpPtype.Dm, 0b0111),
                (LlcpPtype.Frmr, 0b1000), (LlcpPtype.Snl, 0b1001), (LlcpPtype.I, 0b1100), (LlcpPtype.Rr, 0b1101), (LlcpPtype.Rnr, 0b1110),
            },
            Enum.GetValues<LlcpPtype>().Select(p => (p, (byte)p)).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x02, 0x80 })] // 1010 reserved
    [InlineData(new byte[] { 0x02, 0xC0 })] // 1011 reserved
    [InlineData(new byte[] { 0x03, 0xC0, 0x00 })] // 1111 reserved
    public void Reserved_ptypes_are_rejected(byte[] bytes) =>
        Assert.Throws<LlcpProtocolException>(() => LlcpPdu.Parse(bytes));

    [Fact]
    public void Symm_is_all_zero() =>
        Assert.Equal(LlcpPtype.Symm, LlcpPdu.Parse([0, 0]).Ptype);

    [Theory]
    [InlineData(new byte[] { 0x00 })] // too short
    [InlineData(new byte[] { 0x02, 0x80 })] // PTYPE 1010 reserved
    [InlineData(new byte[] { 0x03, 0x00 })] // I without sequence
    [InlineData(new byte[] { 0x03, 0x40, 0x00, 0x01 })] // RR with information
    [InlineData(new byte[] { 0x00, 0x00, 0x01 })] // SYMM with information
    public void Malformed_pdus_throw_typed(byte[] bytes) =>
        Assert.Throws<LlcpProtocolException>(() => LlcpPdu.Parse(bytes));

    [Fact]
    public void Property_round_trip_every_defined_ptype() =>
        Gen.Select(Gen.Byte[0, 63], Gen.Enum<LlcpPtype>(), Gen.Byte[0, 63], Gen.Byte, Gen.Byte.Array[0, 64])
            .Sample((dsap, ptype, ssap, seq, info) =>
            {
                bool hasSeq = ptype is LlcpPtype.I or LlcpPtype.Rr or LlcpPtype.Rnr;
                byte[] body = ptype is LlcpPtype.Symm or LlcpPtype.Rr or LlcpPtype.Rnr ? [] : info;
                var pdu = new LlcpPdu(dsap, ptype, ssap, hasSeq ? seq : null, body);
                var buf = new byte[pdu.EncodedLength];
                pdu.Write(buf);
                var back = LlcpPdu.Parse(buf);
                Assert.Equal((dsap, ptype, ssap), (back.Dsap, back.Ptype, back.Ssap));
                Assert.Equal(hasSeq ? seq : null, back.Sequence);
                Assert.Equal(body, back.Information.ToArray());
            });

    [Fact]
    public void Mutation_random_bytes_parse_or_throw_typed() =>
        Gen.Byte.Array[0, 16].Sample(bytes =>
        {
            try { LlcpPdu.Parse(bytes); }
            catch (LlcpProtocolException) { }
        });
}
