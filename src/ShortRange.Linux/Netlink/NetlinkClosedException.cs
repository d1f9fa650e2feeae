using ShortRange.Errors;

namespace ShortRange.Linux.Netlink;

/// <summary>The netlink socket was closed (disposed or its receive loop failed) while a request or subscription was active.</summary>
public class NetlinkClosedException : ShortRangeException
{
    public NetlinkClosedException(string message, Exception? innerException = null) : base(message, innerException) { }
}
