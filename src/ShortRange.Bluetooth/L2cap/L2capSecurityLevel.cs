namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// BT_SECURITY levels (kernel include/net/bluetooth/bluetooth.h, BT_SECURITY_*). The kernel accepts Low..Fips from
/// setsockopt; Sdp is only ever reported (for PSM 1/3 channels).
/// </summary>
public enum L2capSecurityLevel : byte
{
    /// <summary>BT_SECURITY_SDP (0): no security, SDP only.</summary>
    Sdp = 0,

    /// <summary>BT_SECURITY_LOW (1): no authentication or encryption (the kernel's default).</summary>
    Low = 1,

    /// <summary>BT_SECURITY_MEDIUM (2): encryption, unauthenticated keys allowed (Just Works).</summary>
    Medium = 2,

    /// <summary>BT_SECURITY_HIGH (3): authenticated (MITM-protected) encryption.</summary>
    High = 3,

    /// <summary>BT_SECURITY_FIPS (4): Secure Connections only, authenticated.</summary>
    Fips = 4,
}
