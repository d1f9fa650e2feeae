namespace ShortRange.Bluetooth.Mgmt;

/// <summary>Status of a Command Complete / Command Status event (BlueZ doc/mgmt-api.txt, "Error Codes").</summary>
public enum MgmtStatus : byte
{
    Success = 0x00,
    UnknownCommand = 0x01,
    NotConnected = 0x02,
    Failed = 0x03,
    ConnectFailed = 0x04,
    AuthenticationFailed = 0x05,
    NotPaired = 0x06,
    NoResources = 0x07,
    Timeout = 0x08,
    AlreadyConnected = 0x09,
    Busy = 0x0A,
    Rejected = 0x0B,
    NotSupported = 0x0C,
    InvalidParameters = 0x0D,
    Disconnected = 0x0E,
    NotPowered = 0x0F,
    Cancelled = 0x10,
    InvalidIndex = 0x11,
    RFKilled = 0x12,
    AlreadyPaired = 0x13,
    PermissionDenied = 0x14,
}

/// <summary>Names of <see cref="MgmtStatus"/> as the spec prints them (AOT-safe, no Enum.ToString reflection).</summary>
public static class MgmtStatusNames
{
    public static string Name(MgmtStatus status) => status switch
    {
        MgmtStatus.Success => "Success",
        MgmtStatus.UnknownCommand => "Unknown Command",
        MgmtStatus.NotConnected => "Not Connected",
        MgmtStatus.Failed => "Failed",
        MgmtStatus.ConnectFailed => "Connect Failed",
        MgmtStatus.AuthenticationFailed => "Authentication Failed",
        MgmtStatus.NotPaired => "Not Paired",
        MgmtStatus.NoResources => "No Resources",
        MgmtStatus.Timeout => "Timeout",
        MgmtStatus.AlreadyConnected => "Already Connected",
        MgmtStatus.Busy => "Busy",
        MgmtStatus.Rejected => "Rejected",
        MgmtStatus.NotSupported => "Not Supported",
        MgmtStatus.InvalidParameters => "Invalid Parameters",
        MgmtStatus.Disconnected => "Disconnected",
        MgmtStatus.NotPowered => "Not Powered",
        MgmtStatus.Cancelled => "Cancelled",
        MgmtStatus.InvalidIndex => "Invalid Index",
        MgmtStatus.RFKilled => "RFKilled",
        MgmtStatus.AlreadyPaired => "Already Paired",
        MgmtStatus.PermissionDenied => "Permission Denied",
        _ => $"Unknown status 0x{(byte)status:X2}",
    };
}
