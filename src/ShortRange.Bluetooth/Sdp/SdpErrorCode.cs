namespace ShortRange.Bluetooth.Sdp;

/// <summary>SDP_ErrorResponse ErrorCode values (Core spec Vol 3 Part B §4.4.1, Table 4.1).</summary>
public enum SdpErrorCode : ushort
{
    InvalidSdpVersion = 0x0001,
    InvalidServiceRecordHandle = 0x0002,
    InvalidRequestSyntax = 0x0003,
    InvalidPduSize = 0x0004,
    InvalidContinuationState = 0x0005,
    InsufficientResources = 0x0006,
}
