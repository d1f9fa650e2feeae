using System.Text.Json;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

/// <summary>`ndef decode` against NDEF messages published by others (expected values read off the publications).</summary>
public class NdefDecodeTests
{
    // STMicroelectronics AN3408 §4.2 "URI record": http://www.st.com as D1 01 07 55 01 "st.com".
    private const string StUri = "d10107550173742e636f6d";
    // STMicroelectronics AN3408 §4.1.1 "text record": "ISO15693 as NFC tag", language "en".
    private const string StText = "d101165402656e49534f3135363933206173204e464320746167";
    // libfreefare examples/mifare-classic-write-ndef.c ndef_default_msg: a Smart Poster ("Sp") wrapping Text "Libnfc" + URI http://libnfc.org.
    private const string LibfreefareSmartPoster = "d1021c53709101095402656e4c69626e666351010b55036c69626e66632e6f7267";
    // Its payload: the nested message.
    private const string LibfreefareNested = "9101095402656e4c69626e666351010b55036c69626e66632e6f7267";

    [Fact]
    public async Task Uri_record_text()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", StUri]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("[0] tnf=well-known type=\"U\" id=\"\" payload=0173742e636f6d uri=\"http://www.st.com\"\n", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public async Task Uri_record_json()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", "--format", "json", StUri]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("[{\"tnf\":1,\"type\":\"U\",\"id\":\"\",\"payload\":\"0173742e636f6d\",\"uri\":\"http://www.st.com\"}]\n", r.Out);
    }

    [Fact]
    public async Task Text_record_text_and_json()
    {
        var text = await ToolRunner.RunAsync(["ndef", "decode", StText]);
        Assert.Equal("[0] tnf=well-known type=\"T\" id=\"\" payload=02656e49534f3135363933206173204e464320746167 lang=\"en\" text=\"ISO15693 as NFC tag\"\n", text.Out);
        var json = await ToolRunner.RunAsync(["ndef", "decode", "--format", "json", StText]);
        using var doc = JsonDocument.Parse(json.Out);
        var rec = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(["tnf", "type", "id", "payload", "text", "lang"], rec.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, rec.GetProperty("tnf").GetInt32());
        Assert.Equal("T", rec.GetProperty("type").GetString());
        Assert.Equal("ISO15693 as NFC tag", rec.GetProperty("text").GetString());
        Assert.Equal("en", rec.GetProperty("lang").GetString());
        Assert.Equal("02656e49534f3135363933206173204e464320746167", rec.GetProperty("payload").GetString());
    }

    [Fact]
    public async Task Smart_poster_is_one_record_without_text_or_uri_keys()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", "--format", "json", LibfreefareSmartPoster]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal($"[{{\"tnf\":1,\"type\":\"Sp\",\"id\":\"\",\"payload\":\"{LibfreefareNested}\"}}]\n", r.Out);
    }

    [Fact]
    public async Task Two_records_in_order()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", LibfreefareNested]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(
            "[0] tnf=well-known type=\"T\" id=\"\" payload=02656e4c69626e6663 lang=\"en\" text=\"Libnfc\"\n" +
            "[1] tnf=well-known type=\"U\" id=\"\" payload=036c69626e66632e6f7267 uri=\"http://libnfc.org\"\n", r.Out);
        var json = await ToolRunner.RunAsync(["ndef", "decode", "--format", "json", LibfreefareNested]);
        Assert.Equal(
            "[{\"tnf\":1,\"type\":\"T\",\"id\":\"\",\"payload\":\"02656e4c69626e6663\",\"text\":\"Libnfc\",\"lang\":\"en\"}," +
            "{\"tnf\":1,\"type\":\"U\",\"id\":\"\",\"payload\":\"036c69626e66632e6f7267\",\"uri\":\"http://libnfc.org\"}]\n", json.Out);
    }

    [Fact]
    public async Task Mime_record_with_id_reports_type_and_id_as_text()
    {
        // MB|ME|SR|IL, TNF 2; type "text/plain", id "a1", payload "hi" — hand-assembled per NDEF 1.0 §3.2.
        var r = await ToolRunner.RunAsync(["ndef", "decode", "--format", "json", "da0a0202746578742f706c61696e61316869"]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("[{\"tnf\":2,\"type\":\"text/plain\",\"id\":\"a1\",\"payload\":\"6869\"}]\n", r.Out);
    }

    [Fact]
    public async Task Hex_with_separators_is_accepted()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", "D1:01:07:55:01:73:74:2E:63:6F:6D"]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.EndsWith("uri=\"http://www.st.com\"\n", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_message_fails_with_one_line()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", "d1010755017374"]);
        Assert.Equal(ExitCodes.Failure, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith("not a valid NDEF message: ", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_adds_the_exception_details()
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", "--verbose", "d1010755017374"]);
        Assert.Equal(ExitCodes.Failure, r.ExitCode);
        Assert.True(r.ErrorLines.Length > 2);
        Assert.Contains("NdefFormatException", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("d10")]
    public async Task Bad_hex_is_a_usage_error(string hex)
    {
        var r = await ToolRunner.RunAsync(["ndef", "decode", hex]);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Single(r.ErrorLines);
    }
}
