using ShortRange.Errors;

namespace ShortRange.Linux.Netlink;

/// <summary>A netlink message or attribute is malformed (a length that overruns its container, a short header).</summary>
public class NetlinkFormatException : ShortRangeException
{
    public NetlinkFormatException(string message) : base(message) { }
}
