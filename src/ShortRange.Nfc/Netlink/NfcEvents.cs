namespace ShortRange.Nfc.Netlink;

/// <summary>
/// A notification of the "nfc" family's "events" multicast group (net/nfc/netlink.c, nfc_genl_*_event functions).
/// <see cref="DeviceIndex"/> is the NFC device it concerns.
/// </summary>
public abstract record NfcEvent(uint DeviceIndex);

/// <summary>NFC_EVENT_DEVICE_ADDED.</summary>
public sealed record NfcDeviceAddedEvent(NfcDeviceInfo Device) : NfcEvent(Device.Index);

/// <summary>NFC_EVENT_DEVICE_REMOVED.</summary>
public sealed record NfcDeviceRemovedEvent(uint DeviceIndex) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_TARGETS_FOUND: a poll found targets; read them with NFC_CMD_GET_TARGET. The poll has ended.</summary>
public sealed record NfcTargetsFoundEvent(uint DeviceIndex) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_TARGET_LOST (the kernel names the device, "nfc0"; the index is parsed from it).</summary>
public sealed record NfcTargetLostEvent(uint DeviceIndex, uint TargetIndex) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_TM_ACTIVATED: a remote initiator activated this device in target mode.</summary>
public sealed record NfcTargetModeActivatedEvent(uint DeviceIndex, NfcProtocols Protocols) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_TM_DEACTIVATED.</summary>
public sealed record NfcTargetModeDeactivatedEvent(uint DeviceIndex) : NfcEvent(DeviceIndex);

/// <summary>NFC_CMD_DEP_LINK_UP as an event: the NFC-DEP (LLCP) link is up. <see cref="TargetIndex"/> is set on the initiator.</summary>
public sealed record NfcDepLinkUpEvent(uint DeviceIndex, uint? TargetIndex, NfcCommMode CommMode, NfcRfMode RfMode) : NfcEvent(DeviceIndex);

/// <summary>NFC_CMD_DEP_LINK_DOWN as an event.</summary>
public sealed record NfcDepLinkDownEvent(uint DeviceIndex) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_LLC_SDRES: answers to a service-name lookup (SAP 0: not bound; 65: the peer did not answer).</summary>
public sealed record NfcServiceDiscoveryEvent(uint DeviceIndex, IReadOnlyList<NfcServiceEntry> Services) : NfcEvent(DeviceIndex)
{
    public bool Equals(NfcServiceDiscoveryEvent? other) =>
        other is not null && DeviceIndex == other.DeviceIndex && Services.SequenceEqual(other.Services);

    public override int GetHashCode() => HashCode.Combine(DeviceIndex, Services.Count);
}

/// <summary>NFC_EVENT_SE_ADDED.</summary>
public sealed record NfcSecureElementAddedEvent(uint DeviceIndex, uint SecureElementIndex, NfcSecureElementType Type) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_SE_REMOVED.</summary>
public sealed record NfcSecureElementRemovedEvent(uint DeviceIndex, uint SecureElementIndex) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_SE_CONNECTIVITY.</summary>
public sealed record NfcSecureElementConnectivityEvent(uint DeviceIndex, uint SecureElementIndex, NfcSecureElementType Type) : NfcEvent(DeviceIndex);

/// <summary>NFC_EVENT_SE_TRANSACTION: an applet (AID) finished a transaction.</summary>
public sealed record NfcSecureElementTransactionEvent(uint DeviceIndex, uint SecureElementIndex, NfcSecureElementType Type, byte[] Aid, byte[] Parameters)
    : NfcEvent(DeviceIndex);
