using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;

namespace ShortRange.Nfc.Tests.Ndef;

/// <summary>
/// Smart Poster, external/MIME/absolute-URI helpers and the allocation-free reader. The byte vectors are assembled
/// field by field from the record layouts of the NFC Forum RTDs (each byte commented), not produced by our encoder.
/// </summary>
public class NdefTypedRecordTests
{
    // Sp record (Smart Poster RTD 1.0 section 3): URI https://nfc-forum.org, titles en "Hi" and fr "Salut", action Do.
    private static readonly byte[] SmartPosterBytes =
    [
        0xD1, 0x02, 0x2E, (byte)'S', (byte)'p',               // MB|ME|SR, TNF 1, type "Sp", payload 46 bytes
        0x91, 0x01, 0x0E, (byte)'U', 0x04, .. "nfc-forum.org"u8, // MB|SR "U", code 0x04 = https://
        0x11, 0x01, 0x05, (byte)'T', 0x02, (byte)'e', (byte)'n', (byte)'H', (byte)'i', // "T" UTF-8, lang "en"
        0x11, 0x01, 0x08, (byte)'T', 0x02, (byte)'f', (byte)'r', .. "Salut"u8,
        0x51, 0x03, 0x01, (byte)'a', (byte)'c', (byte)'t', 0x00, // ME|SR "act" = 0x00 (Do)
    ];

    [Fact]
    public void Smart_poster_decodes_from_spec_layout_and_encodes_identically()
    {
        var rec = Assert.Single(NdefMessage.Parse(SmartPosterBytes));
        Assert.Equal("Sp", rec.TypeText);
        var sp = NdefSmartPoster.Decode(rec.Payload.Span);
        Assert.Equal("https://nfc-forum.org", sp.Uri);
        Assert.Equal([new NdefText("en", "Hi", false), new NdefText("fr", "Salut", false)], sp.Titles);
        Assert.Equal("Salut", sp.GetTitle("FR"));
        Assert.Equal("Hi", sp.GetTitle("de")); // falls back to the first title
        Assert.Equal(NdefSmartPosterAction.Do, sp.Action);
        Assert.Null(sp.Size);
        Assert.Equal(SmartPosterBytes, NdefMessage.Encode([sp.ToRecord()]));
    }

    [Fact]
    public void Smart_poster_with_size_type_icon_round_trips()
    {
        var icon = NdefRecords.Mime("image/png", new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        var sp = new NdefSmartPoster("tel:+123") { Titles = [new NdefText("ja", "電話", true)], Action = NdefSmartPosterAction.Edit, Size = 0x01020304, MimeType = "text/vcard", Icon = icon };
        var rec = sp.ToRecord();
        // The size record is 4 bytes big-endian: find it in the nested message.
        var inner = NdefMessage.Parse(rec.Payload.Span);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, inner.Single(r => r.TypeText == "s").Payload.ToArray());
        var back = NdefSmartPoster.Decode(NdefMessage.Parse(NdefMessage.Encode([rec]))[0].Payload.Span);
        Assert.Equal(sp.Uri, back.Uri);
        Assert.Equal(sp.Titles, back.Titles);
        Assert.Equal(sp.Action, back.Action);
        Assert.Equal(sp.Size, back.Size);
        Assert.Equal(sp.MimeType, back.MimeType);
        Assert.Equal("image/png", back.Icon!.TypeText);
        Assert.Equal(icon.Payload.ToArray(), back.Icon.Payload.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0xD1, 0x01, 0x02, 0x54, 0x00, 0x41 })] // only a title, no URI
    [InlineData(new byte[] { 0x91, 0x01, 0x02, 0x55, 0x00, 0x61, 0x51, 0x01, 0x02, 0x55, 0x00, 0x62 })] // two URIs
    [InlineData(new byte[] { 0x91, 0x01, 0x02, 0x55, 0x00, 0x61, 0x51, 0x03, 0x01, 0x61, 0x63, 0x74, 0x07 })] // RFU action
    [InlineData(new byte[] { 0x91, 0x01, 0x02, 0x55, 0x00, 0x61, 0x51, 0x01, 0x02, 0x73, 0x00, 0x01 })] // size of 2 bytes
    [InlineData(new byte[] { 0xC1, 0x01, 0xFF, 0xFF, 0xFF, 0xF0, 0x55, 0x00 })] // hostile nested payload length
    public void Malformed_smart_posters_throw_typed(byte[] nested) =>
        Assert.Throws<NdefFormatException>(() => NdefSmartPoster.Decode(nested));

    [Fact]
    public void External_mime_and_absolute_uri_helpers()
    {
        var ext = NdefRecords.External("Example.com:MyType", new byte[] { 1 });
        Assert.Equal("example.com:mytype", ext.TypeText);
        Assert.Equal(("example.com", "mytype"), NdefRecords.DecodeExternalType(ext));
        Assert.Throws<NdefFormatException>(() => NdefRecords.DecodeExternalType(new NdefRecord(NdefTnf.External, "nocolon"u8.ToArray(), default, default)));
        Assert.Throws<NdefFormatException>(() => NdefRecords.DecodeExternalType(NdefRecords.Mime("a/b", default)));
        Assert.Equal("text/plain", NdefRecords.DecodeMimeType(NdefRecords.Mime("Text/Plain", default)));
        Assert.Throws<NdefFormatException>(() => NdefRecords.DecodeMimeType(NdefRecords.Mime("plain", default)));
        var abs = NdefRecords.AbsoluteUri("http://example.com/a?b");
        // TNF 3 keeps the URI in the type field and has an empty payload (NDEF 1.0, section 3.2.6).
        Assert.Equal((byte[])[0xD3, 0x16, 0x00, .. "http://example.com/a?b"u8], NdefMessage.Encode([abs]));
        Assert.Equal("http://example.com/a?b", NdefRecords.DecodeAbsoluteUri(NdefMessage.Parse(NdefMessage.Encode([abs]))[0]));
    }

    [Fact]
    public void Reader_yields_spans_of_every_physical_record_including_chunks()
    {
        byte[] bytes =
        [
            0x91, 0x01, 0x02, (byte)'U', 0x00, (byte)'a',          // MB|SR "U"
            0x32, 0x0A, 0x01, .. "text/plain"u8, (byte)'b',        // CF|SR MIME first chunk
            0x36, 0x00, 0x01, (byte)'c',                            // CF|SR unchanged middle
            0x56, 0x00, 0x01, (byte)'d',                            // ME|SR unchanged last
        ];
        var kinds = new List<(NdefChunk, NdefTnf, string, int)>();
        foreach (var r in new NdefReader(bytes))
            kinds.Add((r.Chunk, r.Tnf, System.Text.Encoding.ASCII.GetString(r.Type) + "/" + System.Text.Encoding.ASCII.GetString(r.Payload), r.Offset));
        Assert.Equal(
            [(NdefChunk.None, NdefTnf.WellKnown, "U/\0a", 0), (NdefChunk.First, NdefTnf.MimeMedia, "text/plain/b", 6),
             (NdefChunk.Middle, NdefTnf.Unchanged, "/c", 20), (NdefChunk.Last, NdefTnf.Unchanged, "/d", 24)],
            kinds);
    }

    [Fact]
    public void Reader_rejects_hostile_length_at_the_record()
    {
        byte[] bytes = [0x91, 0x01, 0x02, (byte)'U', 0x00, 0x41, /* ME, TNF 1, 4-byte length */ 0x41, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'U'];
        var reader = new NdefReader(bytes);
        Assert.True(reader.MoveNext()); // the first record is fine
        try
        {
            reader.MoveNext();
            Assert.Fail("the 4 GiB record was accepted");
        }
        catch (NdefFormatException ex)
        {
            Assert.Equal(6, ex.Offset);
        }
    }

    private static readonly Gen<NdefRecord> GenPlainRecord =
        Gen.Select(Gen.Int[1, 4], Gen.Byte.Array[1, 8], Gen.Byte.Array[0, 4], Gen.Byte.Array[0, 300],
            (tnf, type, id, payload) => new NdefRecord((NdefTnf)tnf, type, id, payload));

    [Fact]
    public void Property_reader_agrees_with_parse() =>
        GenPlainRecord.Array[1, 6].Sample(records =>
        {
            var bytes = NdefMessage.Encode(records);
            var parsed = NdefMessage.Parse(bytes);
            int i = 0;
            foreach (var r in new NdefReader(bytes))
            {
                Assert.Equal(NdefChunk.None, r.Chunk);
                Assert.Equal(parsed[i].Payload.ToArray(), r.Payload.ToArray());
                Assert.Equal(parsed[i].Type.ToArray(), r.Type.ToArray());
                Assert.Equal(parsed[i].Id.ToArray(), r.Id.ToArray());
                i++;
            }
            Assert.Equal(records.Length, i);
        });

    private static readonly Gen<NdefText> GenText =
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 2, 5], Gen.String[0, 40], Gen.Bool, (l, t, u) => new NdefText(l, t, u));

    [Fact]
    public void Property_smart_poster_round_trips() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 40], GenText.List[0, 4], Gen.Int[-1, 2], Gen.UInt.Nullable(), Gen.String[Gen.Char.AlphaNumeric, 1, 10].Null())
            .Sample((uri, titles, act, size, mime) =>
            {
                var sp = new NdefSmartPoster("https://" + uri)
                {
                    Titles = titles,
                    Action = act < 0 ? null : (NdefSmartPosterAction)act,
                    Size = size,
                    MimeType = mime is null ? null : "text/" + mime,
                };
                var back = NdefSmartPoster.Decode(NdefMessage.Parse(NdefMessage.Encode([sp.ToRecord()]))[0].Payload.Span);
                Assert.Equal(sp.Uri, back.Uri);
                Assert.Equal(sp.Titles, back.Titles);
                Assert.Equal(sp.Action, back.Action);
                Assert.Equal(sp.Size, back.Size);
                Assert.Equal(sp.MimeType, back.MimeType);
            });

    [Fact]
    public void Mutation_of_smart_poster_parses_or_throws_typed() =>
        Gen.Select(Gen.Int, Gen.Byte).Sample((at, value) =>
        {
            var bytes = (byte[])SmartPosterBytes.Clone();
            bytes[(int)((uint)at % bytes.Length)] = value;
            try
            {
                foreach (var r in NdefMessage.Parse(bytes))
                    if (r.TypeText == "Sp") NdefSmartPoster.Decode(r.Payload.Span);
            }
            catch (NdefFormatException) { }
        });
}
