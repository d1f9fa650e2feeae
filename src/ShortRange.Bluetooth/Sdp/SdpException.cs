namespace ShortRange.Bluetooth.Sdp;

/// <summary>Base of every SDP failure (Core spec Vol 3 Part B).</summary>
public class SdpException : BluetoothException
{
    public SdpException() { }
    public SdpException(string message) : base(message) { }
    public SdpException(string message, Exception? innerException) : base(message, innerException) { }
}
