using System.Text;

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
}
