namespace ShortRange.Nfc.Netlink;

/// <summary>One NFC protocol, as sockaddr_nfc.nfc_protocol carries it (NFC_PROTO_*, include/uapi/linux/nfc.h).</summary>
public enum NfcProtocol : uint
{
    Jewel = 1,
    Mifare = 2,
    Felica = 3,
    Iso14443 = 4,
    NfcDep = 5,
    Iso14443B = 6,
    Iso15693 = 7,
}

/// <summary>A set of NFC protocols as netlink carries it: NFC_PROTO_*_MASK = 1 &lt;&lt; NFC_PROTO_* (nfc.h).</summary>
[Flags]
public enum NfcProtocols : uint
{
    None = 0,
    Jewel = 1u << 1,
    Mifare = 1u << 2,
    Felica = 1u << 3,
    Iso14443 = 1u << 4,
    NfcDep = 1u << 5,
    Iso14443B = 1u << 6,
    Iso15693 = 1u << 7,
}

/// <summary>NFC_COMM_* (nfc.h).</summary>
public enum NfcCommMode : byte
{
    Active = 0,
    Passive = 1,
}

/// <summary>NFC_RF_* (nfc.h).</summary>
public enum NfcRfMode : byte
{
    Initiator = 0,
    Target = 1,
    None = 2,
}

/// <summary>NFC_SE_* types (nfc.h).</summary>
public enum NfcSecureElementType : byte
{
    Uicc = 1,
    Embedded = 2,
}

/// <summary>Helpers between <see cref="NfcProtocol"/> and <see cref="NfcProtocols"/>.</summary>
public static class NfcProtocolExtensions
{
    /// <summary>The mask bit of one protocol.</summary>
    public static NfcProtocols ToMask(this NfcProtocol protocol) => (NfcProtocols)(1u << (int)protocol);

    /// <summary>The protocols in a mask, lowest first.</summary>
    public static IEnumerable<NfcProtocol> Members(this NfcProtocols protocols)
    {
        for (uint p = 1; p <= 7; p++)
            if (((uint)protocols & (1u << (int)p)) != 0) yield return (NfcProtocol)p;
    }

    /// <summary>The protocol a raw socket should use for a target offering <paramref name="protocols"/> (tag protocols first).</summary>
    public static NfcProtocol? Preferred(this NfcProtocols protocols) =>
        protocols.Members().Cast<NfcProtocol?>().FirstOrDefault();
}
