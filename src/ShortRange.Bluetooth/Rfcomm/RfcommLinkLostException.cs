namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>The connection went away under an open stream (ECONNRESET, ENOTCONN, EHOSTDOWN…: peer reset, link loss, controller removed).</summary>
public sealed class RfcommLinkLostException : RfcommException
{
    public RfcommLinkLostException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
