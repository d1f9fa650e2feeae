namespace ShortRange.Linux.Sockets;

/// <summary>AF_NFC protocols, target protocols and LLCP options (include/uapi/linux/nfc.h).</summary>
public static class NfcSocketConstants
{
    public const int NFC_SOCKPROTO_RAW = 0;
    public const int NFC_SOCKPROTO_LLCP = 1;

    // NFC_PROTO_* (sockaddr_nfc.nfc_protocol)
    public const uint NFC_PROTO_JEWEL = 1;
    public const uint NFC_PROTO_MIFARE = 2;
    public const uint NFC_PROTO_FELICA = 3;
    public const uint NFC_PROTO_ISO14443 = 4;
    public const uint NFC_PROTO_NFC_DEP = 5;
    public const uint NFC_PROTO_ISO14443_B = 6;
    public const uint NFC_PROTO_ISO15693 = 7;

    public const int SOL_NFC = 280;

    // LLCP socket options (SOL_NFC)
    public const int NFC_LLCP_RW = 0;
    public const int NFC_LLCP_MIU = 1;
    public const int NFC_LLCP_REMOTE_MIU = 2;
    public const int NFC_LLCP_REMOTE_LTO = 3;
    public const int NFC_LLCP_REMOTE_RW = 4;

    /// <summary>Size of sockaddr_nfc_llcp.service_name.</summary>
    public const int NFC_LLCP_MAX_SERVICE_NAME = 63;
}
