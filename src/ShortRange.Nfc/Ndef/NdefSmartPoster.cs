using System.Buffers.Binary;
using System.Text;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>Smart Poster "act" values (NFC Forum Smart Poster RTD 1.0, section 3.3.3); 0x03–0xFF are RFU.</summary>
public enum NdefSmartPosterAction : byte
{
    /// <summary>Do the action (send the SMS, launch the browser, call the number).</summary>
    Do = 0x00,
    /// <summary>Save for later (store the SMS, bookmark the URI).</summary>
    Save = 0x01,
    /// <summary>Open for editing.</summary>
    Edit = 0x02,
}

/// <summary>
/// Well-known Smart Poster record "Sp" (NFC Forum Smart Poster RTD 1.0): its payload is a nested NDEF message with exactly
/// one URI record, any number of Text title records (one per language), and optional action "act" (1 byte),
/// size "s" (4 bytes, big-endian), type "t" (MIME type of the target, UTF-8) and an icon (an image/* or video/* MIME record).
/// Records the RTD does not name are ignored on decode (section 3.3: "unknown records … shall be ignored").
/// </summary>
public sealed record NdefSmartPoster(string Uri)
{
    public static readonly byte[] Type = "Sp"u8.ToArray();
    internal static readonly byte[] ActionType = "act"u8.ToArray(), SizeType = "s"u8.ToArray(), TypeType = "t"u8.ToArray();

    /// <summary>Titles, in record order.</summary>
    public IReadOnlyList<NdefText> Titles { get; init; } = [];
    public NdefSmartPosterAction? Action { get; init; }
    /// <summary>Size in bytes of the object the URI points at.</summary>
    public uint? Size { get; init; }
    /// <summary>MIME type of the object the URI points at.</summary>
    public string? MimeType { get; init; }
    /// <summary>Icon: a MIME record of an image/* or video/* type.</summary>
    public NdefRecord? Icon { get; init; }

    /// <summary>The title in <paramref name="language"/> (IANA code, case-insensitive), else the first title, else null.</summary>
    public string? GetTitle(string language)
    {
        foreach (var t in Titles)
            if (string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase)) return t.Text;
        return Titles.Count > 0 ? Titles[0].Text : null;
    }

    /// <summary>Encodes this poster as one "Sp" record.</summary>
    public NdefRecord ToRecord()
    {
        var inner = new List<NdefRecord> { NdefUriRecord.Create(Uri) };
        foreach (var t in Titles) inner.Add(NdefTextRecord.Create(t.Text, t.Language, t.Utf16));
        if (Action is { } a) inner.Add(WellKnown(ActionType, [(byte)a]));
        if (Size is { } s)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, s);
            inner.Add(WellKnown(SizeType, b));
        }
        if (MimeType is not null) inner.Add(WellKnown(TypeType, Encoding.UTF8.GetBytes(MimeType)));
        if (Icon is not null)
        {
            if (!IsIcon(Icon)) throw new ArgumentException("the icon must be an image/* or video/* MIME record", nameof(Icon));
            inner.Add(Icon);
        }
        return new NdefRecord(NdefTnf.WellKnown, Type, ReadOnlyMemory<byte>.Empty, NdefMessage.Encode(inner));
    }

    /// <summary>Decodes an "Sp" payload; a poster without exactly one URI record, or with a malformed act/s record, is rejected.</summary>
    public static NdefSmartPoster Decode(ReadOnlySpan<byte> payload)
    {
        string? uri = null;
        var titles = new List<NdefText>();
        NdefSmartPosterAction? action = null;
        uint? size = null;
        string? mime = null;
        NdefRecord? icon = null;
        foreach (var r in NdefMessage.Parse(payload))
        {
            var p = r.Payload.Span;
            if (r.Tnf == NdefTnf.WellKnown && r.Type.Span.SequenceEqual(NdefUriRecord.Type))
            {
                if (uri is not null) throw new NdefFormatException("Smart Poster with more than one URI record", 0);
                uri = NdefUriRecord.Decode(p);
            }
            else if (r.Tnf == NdefTnf.WellKnown && r.Type.Span.SequenceEqual(NdefTextRecord.Type)) titles.Add(NdefTextRecord.Decode(p));
            else if (r.Tnf == NdefTnf.WellKnown && r.Type.Span.SequenceEqual(ActionType))
            {
                if (p.Length != 1 || p[0] > (byte)NdefSmartPosterAction.Edit)
                    throw new NdefFormatException("Smart Poster action must be one byte 0x00–0x02", 0);
                action = (NdefSmartPosterAction)p[0];
            }
            else if (r.Tnf == NdefTnf.WellKnown && r.Type.Span.SequenceEqual(SizeType))
            {
                if (p.Length != 4) throw new NdefFormatException($"Smart Poster size must be 4 bytes, not {p.Length}", 0);
                size = BinaryPrimitives.ReadUInt32BigEndian(p);
            }
            else if (r.Tnf == NdefTnf.WellKnown && r.Type.Span.SequenceEqual(TypeType)) mime = Encoding.UTF8.GetString(p);
            else if (icon is null && IsIcon(r)) icon = r;
        }
        if (uri is null) throw new NdefFormatException("Smart Poster without a URI record", 0);
        return new NdefSmartPoster(uri) { Titles = titles, Action = action, Size = size, MimeType = mime, Icon = icon };
    }

    private static bool IsIcon(NdefRecord r) =>
        r.Tnf == NdefTnf.MimeMedia && (r.TypeText.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || r.TypeText.StartsWith("video/", StringComparison.OrdinalIgnoreCase));

    private static NdefRecord WellKnown(byte[] type, byte[] payload) => new(NdefTnf.WellKnown, type, ReadOnlyMemory<byte>.Empty, payload);
}
