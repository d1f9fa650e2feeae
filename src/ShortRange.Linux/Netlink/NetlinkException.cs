using ShortRange.Linux.Sockets;

namespace ShortRange.Linux.Netlink;

/// <summary>The kernel answered a netlink request with NLMSG_ERROR. Carries errno and the extended-ACK text when the kernel sent one.</summary>
public class NetlinkException : NativeSocketException
{
    public NetlinkException(string operation, int errno, string? extendedMessage)
        : base(operation, LinuxAddressFamily.AF_NETLINK, errno,
            $"{operation} on AF_NETLINK failed: {Errno.Name(errno)} ({Errno.Describe(errno)})" + (extendedMessage is null ? "" : $": {extendedMessage}"), null)
        => ExtendedMessage = extendedMessage;

    /// <summary>NLMSGERR_ATTR_MSG text from the kernel's extended ACK, if any.</summary>
    public string? ExtendedMessage { get; }
}
