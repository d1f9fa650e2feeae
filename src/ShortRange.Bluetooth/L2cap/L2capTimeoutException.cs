namespace ShortRange.Bluetooth.L2cap;

/// <summary>The connection attempt timed out (ETIMEDOUT, from the kernel or the caller's timeout).</summary>
public sealed class L2capTimeoutException : L2capException
{
    public L2capTimeoutException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
