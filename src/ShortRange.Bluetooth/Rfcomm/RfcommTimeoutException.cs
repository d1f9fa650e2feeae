namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>The operation timed out (ETIMEDOUT, or the connect timeout elapsed).</summary>
public sealed class RfcommTimeoutException : RfcommException
{
    public RfcommTimeoutException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
