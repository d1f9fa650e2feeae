using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;

namespace ShortRange.Nfc.Tests.Ndef;

public class NdefMessageTests
{
    [Fact]
    public void Parses_short_uri_record_from_the_rtd_example()
    {
        // D1 01 0E 55 03 "example.com/x": MB|ME|SR, TNF well-known, type "U", code 0x03 (http://).
        byte[] bytes = [0xD1, 0x01, 0x0E, 0x55, 0x03, .. "example.com/x"u8];
        var records = NdefMessage.Parse(bytes);
        var r = Assert.Single(records);
        Assert.Equal(NdefTnf.WellKnown, r.Tnf);
        Assert.Equal("U", r.TypeText);
        Assert.Equal("http://example.com/x", NdefUriRecord.Decode(r.Payload.Span));
        Assert.Equal(bytes, NdefMessage.Encode(records));
    }

    [Fact]
    public void Text_uri_mime_message_round_trips()
    {
        var big = new byte[300];
        for (int i = 0; i < big.Length; i++) big[i] = (byte)i;
        NdefRecord[] records =
        [
            NdefTextRecord.Create("héllo", "fr"),
            NdefUriRecord.Create("https://www.kernel.org/"),
            NdefRecords.Mime("application/octet-stream", big) with { Id = "id1"u8.ToArray() },
        ];
        var bytes = NdefMessage.Encode(records);
        Assert.Equal(0x91, bytes[0]); // MB|SR|well-known, no ME
        var back = NdefMessage.Parse(bytes);
        Assert.Equal(3, back.Count);
        Assert.Equal(new NdefText("fr", "héllo", false), NdefTextRecord.Decode(back[0].Payload.Span));
        Assert.Equal(0x02, back[1].Payload.Span[0]);
        Assert.Equal("https://www.kernel.org/", NdefUriRecord.Decode(back[1].Payload.Span));
        Assert.Equal(big, back[2].Payload.ToArray());
        Assert.Equal("id1"u8.ToArray(), back[2].Id.ToArray());
        Assert.Equal(NdefTnf.MimeMedia, back[2].Tnf);
    }

    [Fact]
    public void Utf16_text_round_trips_and_bom_less_is_big_endian()
    {
        var r = NdefTextRecord.Create("日本", "ja", utf16: true);
        Assert.Equal(new NdefText("ja", "日本", true), NdefTextRecord.Decode(r.Payload.Span));
        byte[] noBom = [0x82, (byte)'d', (byte)'e', 0x00, 0x41];
        Assert.Equal("A", NdefTextRecord.Decode(noBom).Text);
    }

    [Fact]
    public void Chunked_record_is_reassembled()
    {
        byte[] bytes =
        [
            0xB2, 0x0A, 0x02, .. "text/plain"u8, (byte)'a', (byte)'b', // MB|CF|SR mime, first chunk
            0x36, 0x00, 0x01, (byte)'c', // CF|SR unchanged, middle chunk
            0x56, 0x00, 0x02, (byte)'d', (byte)'e', // ME|SR unchanged, last chunk
        ];
        var r = Assert.Single(NdefMessage.Parse(bytes));
        Assert.Equal(NdefTnf.MimeMedia, r.Tnf);
        Assert.Equal("text/plain", r.TypeText);
        Assert.Equal("abcde"u8.ToArray(), r.Payload.ToArray());
    }

    [Fact]
    public void Hostile_4GiB_payload_length_is_rejected()
    {
        byte[] bytes = [0xC2, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'x', 1, 2, 3];
        var ex = Assert.Throws<NdefFormatException>(() => NdefMessage.Parse(bytes));
        Assert.Contains("4294967295", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x51, 0x01, 0x00, 0x55 })] // no MB
    [InlineData(new byte[] { 0x91, 0x01, 0x00, 0x55 })] // no ME
    [InlineData(new byte[] { 0xD7, 0x00, 0x00 })] // reserved TNF
    [InlineData(new byte[] { 0xD6, 0x00, 0x00 })] // unchanged outside chunk
    [InlineData(new byte[] { 0xD0, 0x00, 0x01, 0x00 })] // empty record with payload
    [InlineData(new byte[] { 0xD1, 0x05, 0x00, 0x55 })] // type truncated
    [InlineData(new byte[] { 0xD1, 0x01, 0x00, 0x55, 0x00 })] // bytes after ME
    [InlineData(new byte[] { 0xB2, 0x01, 0x00, 0x61 })] // chunk never ends
    public void Malformed_messages_throw_typed(byte[] bytes) =>
        Assert.Throws<NdefFormatException>(() => NdefMessage.Parse(bytes));

    [Fact]
    public void Rfu_uri_code_rejected() =>
        Assert.Throws<NdefFormatException>(() => NdefUriRecord.Decode([0x24, 0x41]));

    [Fact]
    public void Every_uri_prefix_is_chosen_and_round_trips()
    {
        for (int code = 1; code < NdefUriRecord.Prefixes.Length; code++)
        {
            var uri = NdefUriRecord.Prefixes[code] + "q";
            var payload = NdefUriRecord.Create(uri).Payload.Span;
            Assert.Equal(uri, NdefUriRecord.Decode(payload));
            Assert.True(NdefUriRecord.Prefixes[payload[0]].Length >= NdefUriRecord.Prefixes[code].Length);
        }
    }

    private static readonly Gen<NdefRecord> GenRecord =
        Gen.Select(Gen.Int[1, 5], Gen.Byte.Array[1, 20], Gen.Byte.Array[0, 10], Gen.Byte.Array[0, 400],
            (tnf, type, id, payload) => tnf == (int)NdefTnf.Unknown
                ? new NdefRecord(NdefTnf.Unknown, ReadOnlyMemory<byte>.Empty, id, payload)
                : new NdefRecord((NdefTnf)tnf, type, id, payload));

    [Fact]
    public void Property_encode_then_parse_is_identity() =>
        GenRecord.Array[1, 5].Sample(records =>
        {
            var back = NdefMessage.Parse(NdefMessage.Encode(records));
            Assert.Equal(records.Length, back.Count);
            for (int i = 0; i < records.Length; i++)
            {
                Assert.Equal(records[i].Tnf, back[i].Tnf);
                Assert.Equal(records[i].Type.ToArray(), back[i].Type.ToArray());
                Assert.Equal(records[i].Id.ToArray(), back[i].Id.ToArray());
                Assert.Equal(records[i].Payload.ToArray(), back[i].Payload.ToArray());
            }
        });

    [Fact]
    public void Mutation_any_byte_flip_either_parses_or_throws_typed() =>
        Gen.Select(GenRecord.Array[1, 4], Gen.Int, Gen.Byte).Sample((records, at, value) =>
        {
            var bytes = NdefMessage.Encode(records);
            bytes[(int)((uint)at % bytes.Length)] = value;
            try { NdefMessage.Parse(bytes); }
            catch (NdefFormatException) { }
        });
}
