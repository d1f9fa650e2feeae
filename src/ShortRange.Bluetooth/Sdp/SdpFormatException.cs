namespace ShortRange.Bluetooth.Sdp;

/// <summary>Malformed SDP bytes: a bad data element, size descriptor, PDU header or length (Core spec Vol 3 Part B §3, §4.2).</summary>
public sealed class SdpFormatException : SdpException
{
    public SdpFormatException() { }
    public SdpFormatException(string message) : base(message) { }
    public SdpFormatException(string message, Exception? innerException) : base(message, innerException) { }
}
