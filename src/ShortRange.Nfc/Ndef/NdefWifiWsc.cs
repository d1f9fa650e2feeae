using System.Buffers.Binary;
using System.Text;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>WSC Authentication Type bits (Wi-Fi Simple Configuration 2.0, Annex B/12: attribute 0x1003).</summary>
[Flags]
public enum WscAuthenticationType : ushort
{
    Open = 0x0001,
    WpaPersonal = 0x0002,
    Shared = 0x0004,
    WpaEnterprise = 0x0008,
    Wpa2Enterprise = 0x0010,
    Wpa2Personal = 0x0020,
}

/// <summary>WSC Encryption Type bits (attribute 0x100F).</summary>
[Flags]
public enum WscEncryptionType : ushort
{
    None = 0x0001,
    Wep = 0x0002,
    Tkip = 0x0004,
    Aes = 0x0008,
}

/// <summary>One Wi-Fi credential of a WSC Credential attribute (0x100E).</summary>
public sealed record WifiCredential(ReadOnlyMemory<byte> Ssid, ReadOnlyMemory<byte> NetworkKey, WscAuthenticationType Authentication, WscEncryptionType Encryption)
{
    /// <summary>MAC address (attribute 0x1020); broadcast FF:FF:FF:FF:FF:FF when the credential is for any enrollee.</summary>
    public ulong MacAddress { get; init; } = 0xFFFF_FFFF_FFFF;

    /// <summary>SSID as UTF-8 text (SSIDs are octets; most are UTF-8).</summary>
    public string SsidText => Encoding.UTF8.GetString(Ssid.Span);

    /// <summary>Network key as text (a WPA passphrase is ASCII).</summary>
    public string NetworkKeyText => Encoding.UTF8.GetString(NetworkKey.Span);

    public static WifiCredential Wpa2Personal(string ssid, string passphrase) =>
        new(Encoding.UTF8.GetBytes(ssid), Encoding.UTF8.GetBytes(passphrase), WscAuthenticationType.Wpa2Personal, WscEncryptionType.Aes);
}

/// <summary>
/// Wi-Fi carrier configuration record "application/vnd.wfa.wsc" (Wi-Fi Simple Configuration 2.0 section 10.1.2 and
/// NFC Forum Connection Handover, Wi-Fi carrier): a sequence of TLVs — type (2 bytes, big-endian), length (2 bytes,
/// big-endian), value — holding Version (0x104A), one or more Credential attributes (0x100E) with nested TLVs
/// (Network Index 0x1026, SSID 0x1045, Authentication Type 0x1003, Encryption Type 0x100F, Network Key 0x1027,
/// MAC Address 0x1020), and a WFA Vendor Extension (0x1049) carrying Version2 (0x20).
/// </summary>
public static class NdefWifiWsc
{
    public const string MimeType = "application/vnd.wfa.wsc";

    // Attribute IDs (WSC 2.0 Table 28).
    public const ushort AttrAuthType = 0x1003, AttrCredential = 0x100E, AttrEncrType = 0x100F, AttrMacAddress = 0x1020,
        AttrNetworkIndex = 0x1026, AttrNetworkKey = 0x1027, AttrSsid = 0x1045, AttrVendorExtension = 0x1049, AttrVersion = 0x104A;

    /// <summary>WFA vendor ID 00:37:2A, subelement Version2 (0x00) = 0x20 (WSC 2.0).</summary>
    private static readonly byte[] WfaVendorExtension = [0x00, 0x37, 0x2A, 0x00, 0x01, 0x20];

    /// <summary>Builds the "application/vnd.wfa.wsc" record carrying <paramref name="credentials"/>.</summary>
    public static NdefRecord Create(IReadOnlyList<WifiCredential> credentials, string id = "0")
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var body = new List<byte>();
        Tlv(body, AttrVersion, [0x10]); // Version 1.0 for compatibility; Version2 is in the vendor extension
        foreach (var c in credentials)
        {
            if (c.Ssid.Length > 32) throw new ArgumentException("SSID longer than 32 bytes", nameof(credentials));
            if (c.NetworkKey.Length > 64) throw new ArgumentException("network key longer than 64 bytes", nameof(credentials));
            var cred = new List<byte>();
            Tlv(cred, AttrNetworkIndex, [0x01]); // deprecated, shall be 1
            Tlv(cred, AttrSsid, c.Ssid.Span);
            Tlv(cred, AttrAuthType, U16((ushort)c.Authentication));
            Tlv(cred, AttrEncrType, U16((ushort)c.Encryption));
            Tlv(cred, AttrNetworkKey, c.NetworkKey.Span);
            var mac = new byte[6];
            for (int i = 0; i < 6; i++) mac[i] = (byte)(c.MacAddress >> (8 * (5 - i)));
            Tlv(cred, AttrMacAddress, mac);
            Tlv(body, AttrCredential, cred.ToArray());
        }
        Tlv(body, AttrVendorExtension, WfaVendorExtension);
        return new NdefRecord(NdefTnf.MimeMedia, Encoding.ASCII.GetBytes(MimeType), Encoding.ASCII.GetBytes(id), body.ToArray());
    }

    /// <summary>Decodes every Credential of a WSC payload; SSID and Authentication/Encryption Type are required in each.</summary>
    public static IReadOnlyList<WifiCredential> Decode(ReadOnlySpan<byte> payload)
    {
        var list = new List<WifiCredential>();
        int o = 0;
        while (o < payload.Length)
        {
            ushort type = NextTlv(payload, ref o, out var value);
            if (type == AttrCredential) list.Add(DecodeCredential(value));
        }
        return list;
    }

    private static WifiCredential DecodeCredential(ReadOnlySpan<byte> p)
    {
        byte[]? ssid = null, key = null;
        ushort? auth = null, enc = null;
        ulong mac = 0xFFFF_FFFF_FFFF;
        int o = 0;
        while (o < p.Length)
        {
            ushort type = NextTlv(p, ref o, out var v);
            switch (type)
            {
                case AttrSsid:
                    if (v.Length > 32) throw new NdefFormatException($"SSID of {v.Length} bytes, at most 32", o);
                    ssid = v.ToArray();
                    break;
                case AttrNetworkKey:
                    if (v.Length > 64) throw new NdefFormatException($"network key of {v.Length} bytes, at most 64", o);
                    key = v.ToArray();
                    break;
                case AttrAuthType: auth = Fixed16(v, o); break;
                case AttrEncrType: enc = Fixed16(v, o); break;
                case AttrMacAddress:
                    if (v.Length != 6) throw new NdefFormatException($"MAC address of {v.Length} bytes, not 6", o);
                    mac = 0;
                    foreach (byte b in v) mac = (mac << 8) | b;
                    break;
            }
        }
        if (ssid is null || auth is null || enc is null)
            throw new NdefFormatException("WSC credential lacks SSID, authentication type or encryption type", 0);
        return new WifiCredential(ssid, key ?? [], (WscAuthenticationType)auth.Value, (WscEncryptionType)enc.Value) { MacAddress = mac };
    }

    private static ushort Fixed16(ReadOnlySpan<byte> v, int o) =>
        v.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(v) : throw new NdefFormatException($"WSC type attribute of {v.Length} bytes, not 2", o);

    private static ushort NextTlv(ReadOnlySpan<byte> p, ref int o, out ReadOnlySpan<byte> v)
    {
        if (p.Length - o < 4) throw new NdefFormatException($"WSC TLV header truncated: {p.Length - o} bytes left", o);
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(p[o..]);
        int len = BinaryPrimitives.ReadUInt16BigEndian(p[(o + 2)..]);
        if (len > p.Length - o - 4) throw new NdefFormatException($"WSC attribute 0x{type:X4} claims {len} bytes, {p.Length - o - 4} left", o);
        v = p.Slice(o + 4, len);
        o += 4 + len;
        return type;
    }

    private static byte[] U16(ushort v) => [(byte)(v >> 8), (byte)v];

    private static void Tlv(List<byte> to, ushort type, ReadOnlySpan<byte> value)
    {
        to.Add((byte)(type >> 8)); to.Add((byte)type);
        to.Add((byte)(value.Length >> 8)); to.Add((byte)value.Length);
        foreach (byte b in value) to.Add(b);
    }
}
