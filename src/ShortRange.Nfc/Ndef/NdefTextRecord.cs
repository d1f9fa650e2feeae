using System.Text;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>Decoded well-known Text record.</summary>
public sealed record NdefText(string Language, string Text, bool Utf16);

/// <summary>Well-known Text record "T" (NFC Forum Text RTD 1.0, section 3.2.1): status byte (bit 7 UTF-16, bits 5..0 language length), IANA language code, text.</summary>
public static class NdefTextRecord
{
    public static readonly byte[] Type = "T"u8.ToArray();
    private const byte Utf16Flag = 0x80, LanguageLengthMask = 0x3F;

    public static NdefRecord Create(string text, string language = "en", bool utf16 = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lang = Encoding.ASCII.GetBytes(language);
        if (lang.Length > LanguageLengthMask) throw new ArgumentException("language code longer than 63 bytes", nameof(language));
        // UTF-16 text is written big-endian with a BOM so any reader can detect the byte order.
        var body = utf16 ? [.. new UnicodeEncoding(true, true).GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)] : Encoding.UTF8.GetBytes(text);
        var payload = new byte[1 + lang.Length + body.Length];
        payload[0] = (byte)((utf16 ? Utf16Flag : 0) | lang.Length);
        lang.CopyTo(payload, 1);
        body.CopyTo(payload, 1 + lang.Length);
        return new NdefRecord(NdefTnf.WellKnown, Type, ReadOnlyMemory<byte>.Empty, payload);
    }

    public static NdefText Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) throw new NdefFormatException("Text record without status byte", 0);
        int langLen = payload[0] & LanguageLengthMask;
        if (langLen > payload.Length - 1) throw new NdefFormatException($"language length {langLen} exceeds payload", 0);
        bool utf16 = (payload[0] & Utf16Flag) != 0;
        string lang = Encoding.ASCII.GetString(payload.Slice(1, langLen));
        var body = payload[(1 + langLen)..];
        string text;
        if (!utf16) text = Encoding.UTF8.GetString(body);
        else if (body.Length >= 2 && body[0] == 0xFF && body[1] == 0xFE) text = Encoding.Unicode.GetString(body[2..]);
        else if (body.Length >= 2 && body[0] == 0xFE && body[1] == 0xFF) text = Encoding.BigEndianUnicode.GetString(body[2..]);
        else text = Encoding.BigEndianUnicode.GetString(body); // no BOM: big-endian per the RTD
        return new NdefText(lang, text, utf16);
    }
}
