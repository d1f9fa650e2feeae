using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>An L2CAP socket operation failed; <see cref="Errno"/> names the kernel's reason (ECONNREFUSED, EHOSTDOWN, ETIMEDOUT …).</summary>
public class L2capException : BluetoothException
{
    public L2capException(string operation, int errno, Exception? inner = null)
        : base($"L2CAP {operation} failed: {Linux.Sockets.Errno.Name(errno)} ({Linux.Sockets.Errno.Describe(errno)})", inner) => Errno = errno;

    /// <summary>The kernel's errno.</summary>
    public int Errno { get; }

    /// <summary>The typed exception for an errno: refused, unreachable and timed out get their own types.</summary>
    public static L2capException For(string operation, int errno, Exception? inner = null) => errno switch
    {
        Linux.Sockets.Errno.ECONNREFUSED => new L2capConnectionRefusedException(operation, errno, inner),
        Linux.Sockets.Errno.EHOSTUNREACH or Linux.Sockets.Errno.EHOSTDOWN => new L2capHostUnreachableException(operation, errno, inner),
        Linux.Sockets.Errno.ETIMEDOUT => new L2capTimeoutException(operation, errno, inner),
        _ => new L2capException(operation, errno, inner),
    };
}
