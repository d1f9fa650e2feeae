namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// HCI error codes (Core Vol 1 Part F §1.3, "List of error codes"): the Status of Command Complete/Status and of
/// completion events. The enum names the codes a host usually tests for; <see cref="HciStatusNames"/> names them all.
/// </summary>
public enum HciStatus : byte
{
    Success = 0x00,
    UnknownHciCommand = 0x01,
    UnknownConnectionIdentifier = 0x02,
    HardwareFailure = 0x03,
    PageTimeout = 0x04,
    AuthenticationFailure = 0x05,
    PinOrKeyMissing = 0x06,
    MemoryCapacityExceeded = 0x07,
    ConnectionTimeout = 0x08,
    ConnectionLimitExceeded = 0x09,
    ConnectionAlreadyExists = 0x0B,
    CommandDisallowed = 0x0C,
    ConnectionRejectedLimitedResources = 0x0D,
    ConnectionRejectedSecurityReasons = 0x0E,
    ConnectionRejectedUnacceptableBdAddr = 0x0F,
    ConnectionAcceptTimeoutExceeded = 0x10,
    UnsupportedFeatureOrParameterValue = 0x11,
    InvalidHciCommandParameters = 0x12,
    RemoteUserTerminatedConnection = 0x13,
    RemoteDeviceTerminatedLowResources = 0x14,
    RemoteDeviceTerminatedPowerOff = 0x15,
    ConnectionTerminatedByLocalHost = 0x16,
    UnspecifiedError = 0x1F,
    ControllerBusy = 0x3A,
}

/// <summary>Names of every status 0x00–0x45 as Vol 1 Part F §1.3 prints them (AOT-safe: no Enum.ToString).</summary>
public static class HciStatusNames
{
    private static readonly string?[] Names =
    [
        "Success", "Unknown HCI Command", "Unknown Connection Identifier", "Hardware Failure", "Page Timeout",
        "Authentication Failure", "PIN or Key Missing", "Memory Capacity Exceeded", "Connection Timeout",
        "Connection Limit Exceeded", "Synchronous Connection Limit To A Device Exceeded", "Connection Already Exists",
        "Command Disallowed", "Connection Rejected due to Limited Resources", "Connection Rejected Due To Security Reasons",
        "Connection Rejected due to Unacceptable BD_ADDR", "Connection Accept Timeout Exceeded",
        "Unsupported Feature or Parameter Value", "Invalid HCI Command Parameters", "Remote User Terminated Connection",
        "Remote Device Terminated Connection due to Low Resources", "Remote Device Terminated Connection due to Power Off",
        "Connection Terminated By Local Host", "Repeated Attempts", "Pairing Not Allowed", "Unknown LMP PDU",
        "Unsupported Remote Feature / Unsupported LMP Feature", "SCO Offset Rejected", "SCO Interval Rejected",
        "SCO Air Mode Rejected", "Invalid LMP Parameters / Invalid LL Parameters", "Unspecified Error",
        "Unsupported LMP Parameter Value / Unsupported LL Parameter Value", "Role Change Not Allowed",
        "LMP Response Timeout / LL Response Timeout", "LMP Error Transaction Collision / LL Procedure Collision",
        "LMP PDU Not Allowed", "Encryption Mode Not Acceptable", "Link Key cannot be Changed", "Requested QoS Not Supported",
        "Instant Passed", "Pairing With Unit Key Not Supported", "Different Transaction Collision", null,
        "QoS Unacceptable Parameter", "QoS Rejected", "Channel Classification Not Supported", "Insufficient Security",
        "Parameter Out Of Mandatory Range", null, "Role Switch Pending", null, "Reserved Slot Violation", "Role Switch Failed",
        "Extended Inquiry Response Too Large", "Secure Simple Pairing Not Supported By Host", "Host Busy - Pairing",
        "Connection Rejected due to No Suitable Channel Found", "Controller Busy", "Unacceptable Connection Parameters",
        "Advertising Timeout", "Connection Terminated due to MIC Failure", "Connection Failed to be Established / Synchronization Timeout",
        "Previously Used", "Coarse Clock Adjustment Rejected but Will Try to Adjust Using Clock Dragging",
        "Type0 Submap Not Defined", "Unknown Advertising Identifier", "Limit Reached", "Operation Cancelled by Host",
        "Packet Too Long",
    ];

    public static string Name(HciStatus status) => (int)status < Names.Length && Names[(int)status] is { } n
        ? n
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Unknown status 0x{(byte)status:X2}");
}
