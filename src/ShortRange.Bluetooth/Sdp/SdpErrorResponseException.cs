namespace ShortRange.Bluetooth.Sdp;

/// <summary>The SDP server answered with SDP_ErrorResponse (Core spec Vol 3 Part B §4.4.1); <see cref="ErrorCode"/> is its code.</summary>
public sealed class SdpErrorResponseException : SdpException
{
    public SdpErrorResponseException(SdpErrorCode errorCode) : base($"SDP server returned error {errorCode} (0x{(ushort)errorCode:X4})") => ErrorCode = errorCode;

    /// <summary>The ErrorCode parameter.</summary>
    public SdpErrorCode ErrorCode { get; }
}
