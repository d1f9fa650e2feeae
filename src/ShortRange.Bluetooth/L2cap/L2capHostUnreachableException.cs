namespace ShortRange.Bluetooth.L2cap;

/// <summary>The peer could not be reached (EHOSTUNREACH / EHOSTDOWN).</summary>
public sealed class L2capHostUnreachableException : L2capException
{
    public L2capHostUnreachableException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
