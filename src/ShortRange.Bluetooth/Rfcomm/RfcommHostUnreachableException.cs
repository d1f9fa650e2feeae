namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>The peer could not be reached while connecting (EHOSTDOWN / EHOSTUNREACH: no ACL link could be made).</summary>
public sealed class RfcommHostUnreachableException : RfcommException
{
    public RfcommHostUnreachableException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
