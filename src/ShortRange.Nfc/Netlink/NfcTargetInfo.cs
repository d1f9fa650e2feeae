namespace ShortRange.Nfc.Netlink;

/// <summary>A target found by a poll (NFC_CMD_GET_TARGET dump entry, net/nfc/netlink.c nfc_genl_send_target).</summary>
/// <param name="Index">NFC_ATTR_TARGET_INDEX.</param>
/// <param name="Protocols">NFC_ATTR_PROTOCOLS: protocols the target supports.</param>
/// <param name="SensRes">NFC_ATTR_TARGET_SENS_RES (NFC-A ATQA).</param>
/// <param name="SelRes">NFC_ATTR_TARGET_SEL_RES (NFC-A SAK).</param>
/// <param name="NfcId1">NFC_ATTR_TARGET_NFCID1 (NFC-A UID, up to 10 bytes; empty when absent).</param>
/// <param name="SensbRes">NFC_ATTR_TARGET_SENSB_RES (NFC-B, up to 12 bytes; empty when absent).</param>
/// <param name="SensfRes">NFC_ATTR_TARGET_SENSF_RES (NFC-F, up to 18 bytes; empty when absent).</param>
/// <param name="Iso15693Dsfid">NFC_ATTR_TARGET_ISO15693_DSFID when the target is ISO 15693.</param>
/// <param name="Iso15693Uid">NFC_ATTR_TARGET_ISO15693_UID (8 bytes; empty when absent).</param>
public sealed record NfcTargetInfo(
    uint Index,
    NfcProtocols Protocols,
    ushort SensRes,
    byte SelRes,
    byte[] NfcId1,
    byte[] SensbRes,
    byte[] SensfRes,
    byte? Iso15693Dsfid,
    byte[] Iso15693Uid)
{
    /// <summary>
    /// The identifier the SDK reports: NFCID1 for NFC-A, else NFCID2 (SENSF_RES bytes 1–8, after the response code)
    /// for NFC-F, else the PUPI (SENSB_RES bytes 1–4) for NFC-B, else the ISO 15693 UID; empty when none is known.
    /// </summary>
    public byte[] Identifier =>
        NfcId1.Length > 0 ? NfcId1
        : SensfRes.Length >= 9 ? SensfRes[1..9]
        : SensbRes.Length >= 5 ? SensbRes[1..5]
        : Iso15693Uid;

    public bool Equals(NfcTargetInfo? other) =>
        other is not null && Index == other.Index && Protocols == other.Protocols && SensRes == other.SensRes
        && SelRes == other.SelRes && NfcId1.AsSpan().SequenceEqual(other.NfcId1) && SensbRes.AsSpan().SequenceEqual(other.SensbRes)
        && SensfRes.AsSpan().SequenceEqual(other.SensfRes) && Iso15693Dsfid == other.Iso15693Dsfid
        && Iso15693Uid.AsSpan().SequenceEqual(other.Iso15693Uid);

    public override int GetHashCode() => HashCode.Combine(Index, Protocols, SensRes, SelRes, NfcId1.Length);
}
