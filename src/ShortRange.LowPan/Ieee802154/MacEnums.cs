namespace ShortRange.LowPan.Ieee802154;

/// <summary>Frame Type subfield, IEEE 802.15.4-2015 §7.2.2.2 (Table 7-1).</summary>
public enum MacFrameType : byte
{
    Beacon = 0,
    Data = 1,
    Ack = 2,
    MacCommand = 3,
    Reserved = 4,
    Multipurpose = 5,
    Fragment = 6,
    Extended = 7,
}

/// <summary>Destination/Source Addressing Mode, IEEE 802.15.4-2015 §7.2.2.9 (Table 7-3).</summary>
public enum AddressingMode : byte
{
    None = 0,
    Reserved = 1,
    Short = 2,
    Extended = 3,
}

/// <summary>Frame Version subfield, IEEE 802.15.4-2015 §7.2.2.10 (Table 7-4).</summary>
public enum MacFrameVersion : byte
{
    Ieee2003 = 0,
    Ieee2006 = 1,
    Ieee2015 = 2,
    Reserved = 3,
}

/// <summary>Security Level, IEEE 802.15.4-2015 §9.4.2.2 (Table 9-6).</summary>
public enum SecurityLevel : byte
{
    None = 0, Mic32 = 1, Mic64 = 2, Mic128 = 3, Enc = 4, EncMic32 = 5, EncMic64 = 6, EncMic128 = 7,
}

/// <summary>Key Identifier Mode, IEEE 802.15.4-2015 §9.4.2.3 (Table 9-7).</summary>
public enum KeyIdMode : byte
{
    Implicit = 0,
    Index = 1,
    Source4Index = 2,
    Source8Index = 3,
}

/// <summary>MAC command identifiers, IEEE 802.15.4-2006 §7.3 (Table 82).</summary>
public enum MacCommandId : byte
{
    AssociationRequest = 0x01,
    AssociationResponse = 0x02,
    DisassociationNotification = 0x03,
    DataRequest = 0x04,
    PanIdConflictNotification = 0x05,
    OrphanNotification = 0x06,
    BeaconRequest = 0x07,
    CoordinatorRealignment = 0x08,
    GtsRequest = 0x09,
}
