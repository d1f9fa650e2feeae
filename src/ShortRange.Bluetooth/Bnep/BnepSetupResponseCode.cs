namespace ShortRange.Bluetooth.Bnep;

/// <summary>Response Message of BNEP_SETUP_CONNECTION_RESPONSE_MSG (BNEP v1.0 §2.6.3.2, Table "Setup Connection Response Messages").</summary>
public enum BnepSetupResponseCode : ushort
{
    OperationSuccessful = 0x0000,
    InvalidDestinationServiceUuid = 0x0001,
    InvalidSourceServiceUuid = 0x0002,
    InvalidServiceUuidSize = 0x0003,
    ConnectionNotAllowed = 0x0004,
}

/// <summary>Response Message of the filter response messages (BNEP v1.0 §2.6.4.2 and §2.6.5.2).</summary>
public enum BnepFilterResponseCode : ushort
{
    OperationSuccessful = 0x0000,
    UnsupportedRequest = 0x0001,
    /// <summary>"Invalid Networking Protocol Type Range" (net type) / "Invalid Multicast Address" (multicast).</summary>
    InvalidRange = 0x0002,
    TooManyFilters = 0x0003,
    SecurityReasons = 0x0004,
}

/// <summary>The specification's wording for response codes (used in exception messages and logs).</summary>
public static class BnepResponseNames
{
    public static string Name(BnepSetupResponseCode code) => code switch
    {
        BnepSetupResponseCode.OperationSuccessful => "Operation Successful",
        BnepSetupResponseCode.InvalidDestinationServiceUuid => "Operation Failed: Invalid Destination Service UUID",
        BnepSetupResponseCode.InvalidSourceServiceUuid => "Operation Failed: Invalid Source Service UUID",
        BnepSetupResponseCode.InvalidServiceUuidSize => "Operation Failed: Invalid Service UUID Size",
        BnepSetupResponseCode.ConnectionNotAllowed => "Operation Failed: Connection Not Allowed",
        _ => $"Reserved (0x{(ushort)code:X4})",
    };

    public static string Name(BnepFilterResponseCode code) => code switch
    {
        BnepFilterResponseCode.OperationSuccessful => "Operation Successful",
        BnepFilterResponseCode.UnsupportedRequest => "Unsupported Request",
        BnepFilterResponseCode.InvalidRange => "Operation Failed: Invalid Range",
        BnepFilterResponseCode.TooManyFilters => "Operation Failed: Too Many Filters",
        BnepFilterResponseCode.SecurityReasons => "Operation Failed: Unable to fulfill request due to security reasons",
        _ => $"Reserved (0x{(ushort)code:X4})",
    };
}
