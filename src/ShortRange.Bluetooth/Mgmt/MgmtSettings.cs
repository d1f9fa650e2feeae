namespace ShortRange.Bluetooth.Mgmt;

/// <summary>Current_Settings / Supported_Settings bits (BlueZ doc/mgmt-api.txt, Read Controller Information).</summary>
[Flags]
public enum MgmtSettings : uint
{
    None = 0,
    Powered = 1u << 0,
    Connectable = 1u << 1,
    FastConnectable = 1u << 2,
    Discoverable = 1u << 3,
    Bondable = 1u << 4,
    LinkSecurity = 1u << 5,
    SecureSimplePairing = 1u << 6,
    BrEdr = 1u << 7,
    HighSpeed = 1u << 8,
    LowEnergy = 1u << 9,
    Advertising = 1u << 10,
    SecureConnections = 1u << 11,
    DebugKeys = 1u << 12,
    Privacy = 1u << 13,
    ControllerConfiguration = 1u << 14,
    StaticAddress = 1u << 15,
    PhyConfiguration = 1u << 16,
    WidebandSpeech = 1u << 17,
}

/// <summary>Start/Stop Discovery Address_Type bit mask (doc/mgmt-api.txt, Start Discovery).</summary>
[Flags]
public enum DiscoveryAddressTypes : byte
{
    BrEdr = 1 << 0,
    LePublic = 1 << 1,
    LeRandom = 1 << 2,
    Le = LePublic | LeRandom,
    All = BrEdr | Le,
}

/// <summary>IO capabilities for Set IO Capability / Pair Device (doc/mgmt-api.txt; Core Vol 3 Part C §5.2.2.4).</summary>
public enum IoCapability : byte
{
    DisplayOnly = 0,
    DisplayYesNo = 1,
    KeyboardOnly = 2,
    NoInputNoOutput = 3,
    KeyboardDisplay = 4,
}
