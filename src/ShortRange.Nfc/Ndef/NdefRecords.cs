using System.Text;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>Factories for MIME, absolute-URI and external-type records (NDEF 1.0, section 3.2.6).</summary>
public static class NdefRecords
{
    public static NdefRecord Mime(string mimeType, ReadOnlyMemory<byte> payload) =>
        new(NdefTnf.MimeMedia, Encoding.ASCII.GetBytes(mimeType), ReadOnlyMemory<byte>.Empty, payload);

    public static NdefRecord AbsoluteUri(string uri) =>
        new(NdefTnf.AbsoluteUri, Encoding.UTF8.GetBytes(uri), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);

    /// <summary>External type "domain:type" (NFC Forum RTD 1.0, section 3.1); names are case-insensitive, written lower-case.</summary>
    public static NdefRecord External(string domainAndType, ReadOnlyMemory<byte> payload) =>
        new(NdefTnf.External, Encoding.ASCII.GetBytes(domainAndType.ToLowerInvariant()), ReadOnlyMemory<byte>.Empty, payload);

    /// <summary>Splits an external type (TNF 4) into domain and type ("example.com:mytype"); no colon or non-ASCII is rejected.</summary>
    public static (string Domain, string Type) DecodeExternalType(NdefRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Tnf != NdefTnf.External) throw new NdefFormatException($"TNF {record.Tnf} is not External", 0);
        var t = record.Type.Span;
        foreach (byte b in t)
            if (b < 0x20 || b > 0x7E) throw new NdefFormatException($"external type with byte 0x{b:X2} outside printable ASCII", 0);
        int colon = t.IndexOf((byte)':');
        if (colon <= 0 || colon == t.Length - 1) throw new NdefFormatException("external type is not 'domain:type'", 0);
        return (Encoding.ASCII.GetString(t[..colon]).ToLowerInvariant(), Encoding.ASCII.GetString(t[(colon + 1)..]).ToLowerInvariant());
    }

    /// <summary>The URI of an absolute-URI record (TNF 3): the type field, UTF-8 (RFC 3986).</summary>
    public static string DecodeAbsoluteUri(NdefRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Tnf != NdefTnf.AbsoluteUri) throw new NdefFormatException($"TNF {record.Tnf} is not Absolute URI", 0);
        return Encoding.UTF8.GetString(record.Type.Span);
    }

    /// <summary>The media type of a MIME record (TNF 2), lower-cased (RFC 2046 types are case-insensitive).</summary>
    public static string DecodeMimeType(NdefRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Tnf != NdefTnf.MimeMedia) throw new NdefFormatException($"TNF {record.Tnf} is not MIME media", 0);
        var t = record.Type.Span;
        if (t.IndexOf((byte)'/') <= 0) throw new NdefFormatException("MIME type without '/'", 0);
        return Encoding.ASCII.GetString(t).ToLowerInvariant();
    }
}
