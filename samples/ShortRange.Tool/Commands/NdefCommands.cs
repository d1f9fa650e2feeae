using System.CommandLine;
using System.Globalization;
using System.Text;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Tool.Infrastructure;
using ShortRange.Tool.Output;

namespace ShortRange.Tool.Commands;

/// <summary><c>ndef decode [--format text|json] HEX</c>: the records of an NDEF message (ShortRange.Nfc's codec).</summary>
public static class NdefCommands
{
    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var hex = new Argument<string>("HEX") { Description = "An NDEF message in hex (spaces or ':' between bytes allowed)" };
        var format = new Option<string>("--format") { Description = "text (one line per record) or json (an array)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var decode = new Command("decode", "Decode an NDEF message") { hex, format };
        context.SetAction(decode, (parse, ct) =>
        {
            var bytes = Hex.Parse(parse.GetValue(hex)!, "HEX");
            IReadOnlyList<NdefRecord> records;
            try { records = NdefMessage.Parse(bytes); }
            catch (NdefFormatException e) { throw new FailureException("not a valid NDEF message: " + e.Message, e); }
            context.Console.Out.WriteLine(parse.GetValue(format) == "json" ? FormatJson(records) : FormatText(records));
            return Task.FromResult(ExitCodes.Success);
        });
        return new Command("ndef", "NDEF messages") { decode };
    }

    /// <summary>One line per record: <c>[i] tnf=well-known type="U" id="" payload=… uri=…</c>.</summary>
    public static string FormatText(IReadOnlyList<NdefRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sb = new StringBuilder();
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (i > 0) sb.Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"[{i}] tnf={TnfName(r.Tnf)} type={Quote(r.TypeText)} id={Quote(Ascii(r.Id.Span))} payload={Hex.Lower(r.Payload.Span)}");
            switch (WellKnown(r))
            {
                case NdefText t: sb.Append(CultureInfo.InvariantCulture, $" lang={Quote(t.Language)} text={Quote(t.Text)}"); break;
                case string uri: sb.Append(CultureInfo.InvariantCulture, $" uri={Quote(uri)}"); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A JSON array; per record tnf (the 3-bit TNF value), type, id, payload (hex), and text+lang or uri.</summary>
    public static string FormatJson(IReadOnlyList<NdefRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return Json.Write(w =>
        {
            w.WriteStartArray();
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteNumber("tnf", (byte)r.Tnf);
                w.WriteString("type", r.TypeText);
                w.WriteString("id", Ascii(r.Id.Span));
                w.WriteString("payload", Hex.Lower(r.Payload.Span));
                switch (WellKnown(r))
                {
                    case NdefText t:
                        w.WriteString("text", t.Text);
                        w.WriteString("lang", t.Language);
                        break;
                    case string uri:
                        w.WriteString("uri", uri);
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>The decoded Text (<see cref="NdefText"/>) or URI (string) of a well-known record, else null.</summary>
    private static object? WellKnown(NdefRecord r)
    {
        if (r.Tnf != NdefTnf.WellKnown) return null;
        try
        {
            if (r.Type.Span.SequenceEqual(NdefTextRecord.Type)) return NdefTextRecord.Decode(r.Payload.Span);
            if (r.Type.Span.SequenceEqual(NdefUriRecord.Type)) return NdefUriRecord.Decode(r.Payload.Span);
        }
        catch (NdefFormatException e)
        {
            throw new FailureException($"not a valid NDEF message: {r.TypeText} record: {e.Message}", e);
        }
        return null;
    }

    public static string TnfName(NdefTnf tnf) => tnf switch
    {
        NdefTnf.Empty => "empty",
        NdefTnf.WellKnown => "well-known",
        NdefTnf.MimeMedia => "mime",
        NdefTnf.AbsoluteUri => "absolute-uri",
        NdefTnf.External => "external",
        NdefTnf.Unknown => "unknown",
        NdefTnf.Unchanged => "unchanged",
        _ => "reserved",
    };

    private static string Ascii(ReadOnlySpan<byte> b) => Encoding.ASCII.GetString(b);

    /// <summary>Double-quoted with C-style escapes so a line stays one line.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
