namespace ShortRange.Nfc.Netlink;

/// <summary>An NFC device (controller) as NFC_CMD_GET_DEVICE / NFC_EVENT_DEVICE_ADDED describe it.</summary>
/// <param name="Index">NFC_ATTR_DEVICE_INDEX (the N of nfcN).</param>
/// <param name="Name">NFC_ATTR_DEVICE_NAME ("nfc0").</param>
/// <param name="Protocols">NFC_ATTR_PROTOCOLS: what the device can poll for.</param>
/// <param name="IsPowered">NFC_ATTR_DEVICE_POWERED.</param>
/// <param name="RfMode">NFC_ATTR_RF_MODE (initiator, target, or none).</param>
public sealed record NfcDeviceInfo(uint Index, string Name, NfcProtocols Protocols, bool IsPowered, NfcRfMode RfMode);
