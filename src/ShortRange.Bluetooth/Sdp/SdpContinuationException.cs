namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// The server's continuation states did not converge: the same state repeated, too many partial responses, or the
/// reassembled response grew past the client's bound (Core spec Vol 3 Part B §2.5.3).
/// </summary>
public sealed class SdpContinuationException : SdpException
{
    public SdpContinuationException(string message) : base(message) { }
}
