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
