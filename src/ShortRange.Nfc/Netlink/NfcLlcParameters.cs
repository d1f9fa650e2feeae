namespace ShortRange.Nfc.Netlink;

/// <summary>LLC link parameters of a device (NFC_CMD_LLC_GET_PARAMS; LLCP 1.1 section 4.5).</summary>
/// <param name="LinkTimeout">LTO in units of 10 ms (NFC_ATTR_LLC_PARAM_LTO).</param>
/// <param name="ReceiveWindow">RW, 0–15 (NFC_ATTR_LLC_PARAM_RW).</param>
/// <param name="Miux">MIUX, 0–2047; the link MIU is 128 + MIUX (NFC_ATTR_LLC_PARAM_MIUX).</param>
public sealed record NfcLlcParameters(byte LinkTimeout, byte ReceiveWindow, ushort Miux)
{
    /// <summary>Maximum information unit: 128 + MIUX bytes (LLCP 1.1 section 4.5.2).</summary>
    public int Miu => 128 + Miux;
}

/// <summary>A secure element of an NFC device (NFC_CMD_GET_SE dump entry).</summary>
public sealed record NfcSecureElement(uint DeviceIndex, uint Index, NfcSecureElementType Type);

/// <summary>One answer of an LLCP service-name lookup (NFC_EVENT_LLC_SDRES): SAP 0 means "not found".</summary>
public sealed record NfcServiceEntry(string Uri, byte Sap);
