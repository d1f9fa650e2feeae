namespace ShortRange.Nfc.Llcp;

/// <summary>
/// Well-known LLCP service names and SAPs (LLCP 1.1 section 4.5.5 / NFC Forum assigned numbers; the kernel's
/// table in net/nfc/llcp_core.c). Other names get a SAP 16–31 when a peer first looks them up or connects.
/// </summary>
public static class LlcpServiceNames
{
    public const string Sdp = "urn:nfc:sn:sdp";
    public const string Ip = "urn:nfc:sn:ip";
    public const string Obex = "urn:nfc:sn:obex";
    public const string Snep = "urn:nfc:sn:snep";

    /// <summary>SAP 1: service discovery (SDP).</summary>
    public const byte SdpSap = 1;

    /// <summary>SAP 4: SNEP default server.</summary>
    public const byte SnepSap = 4;

    /// <summary>LLCP_SDP_UNBOUND (net/nfc/llcp.h): a name bound locally whose SAP is not assigned yet.</summary>
    public const byte Unbound = 65;

    /// <summary>LLCP 1.1 section 4.5.2: the default MIU when the peer announced no MIUX.</summary>
    public const int DefaultMiu = 128;
}
