using System.Text;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>Well-known URI record "U" (NFC Forum URI RTD 1.0): identifier-code byte then UTF-8 rest of the URI.</summary>
public static class NdefUriRecord
{
    /// <summary>URI identifier codes 0x00–0x23 (URI RTD 1.0, section 3.2.2, Table 3); 0x24–0xFF are RFU.</summary>
    internal static readonly string[] Prefixes =
    [
        "", "http://www.", "https://www.", "http://", "https://", "tel:", "mailto:", "ftp://anonymous:anonymous@",
        "ftp://ftp.", "ftps://", "sftp://", "smb://", "nfs://", "ftp://", "dav://", "news:", "telnet://", "imap:",
        "rtsp://", "urn:", "pop:", "sip:", "sips:", "tftp:", "btspp://", "btl2cap://", "btgoep://", "tcpobex://",
        "irdaobex://", "file://", "urn:epc:id:", "urn:epc:tag:", "urn:epc:pat:", "urn:epc:raw:", "urn:epc:", "urn:nfc:",
    ];

    public static readonly byte[] Type = "U"u8.ToArray();

    /// <summary>Builds a URI record using the longest matching prefix code.</summary>
    public static NdefRecord Create(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        int best = 0;
        for (int i = 1; i < Prefixes.Length; i++)
            if (Prefixes[i].Length > Prefixes[best].Length && uri.StartsWith(Prefixes[i], StringComparison.Ordinal)) best = i;
        var rest = Encoding.UTF8.GetBytes(uri[Prefixes[best].Length..]);
        var payload = new byte[1 + rest.Length];
        payload[0] = (byte)best;
        rest.CopyTo(payload, 1);
        return new NdefRecord(NdefTnf.WellKnown, Type, ReadOnlyMemory<byte>.Empty, payload);
    }

    /// <summary>Decodes the URI of a "U" record payload; RFU codes are rejected.</summary>
    public static string Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) throw new NdefFormatException("URI record without identifier code", 0);
        if (payload[0] >= Prefixes.Length) throw new NdefFormatException($"RFU URI identifier code 0x{payload[0]:X2}", 0);
        return Prefixes[payload[0]] + Encoding.UTF8.GetString(payload[1..]);
    }
}
