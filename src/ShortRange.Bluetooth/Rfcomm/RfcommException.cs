using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>An RFCOMM socket operation failed; <see cref="Errno"/> is the kernel's reason.</summary>
public class RfcommException : BluetoothException
{
    public RfcommException(string operation, int errno, Exception? inner = null)
        : base($"RFCOMM {operation} failed: {Linux.Sockets.Errno.Name(errno)} ({Linux.Sockets.Errno.Describe(errno)})", inner) => Errno = errno;

    public RfcommException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>A kernel failure described in the caller's words.</summary>
    protected RfcommException(int errno, string message, Exception? inner) : base(message, inner) => Errno = errno;

    /// <summary>The kernel's errno (0 when the failure did not come from the kernel).</summary>
    public int Errno { get; }

    /// <summary>
    /// The typed exception for an errno: refused (ECONNREFUSED: no listener on the channel, or security refused),
    /// timed out (ETIMEDOUT), unreachable (EHOSTDOWN/EHOSTUNREACH while connecting), channel busy (EBUSY while
    /// connecting) and link lost (the link or DLC went down under an open stream).
    /// </summary>
    public static RfcommException For(string operation, int errno, bool connecting, Exception? inner = null) => errno switch
    {
        Linux.Sockets.Errno.ECONNREFUSED => new RfcommConnectionRefusedException(operation, errno, inner),
        Linux.Sockets.Errno.ETIMEDOUT => new RfcommTimeoutException(operation, errno, inner),
        Linux.Sockets.Errno.EHOSTUNREACH or Linux.Sockets.Errno.EHOSTDOWN when connecting => new RfcommHostUnreachableException(operation, errno, inner),
        Linux.Sockets.Errno.EBUSY when connecting => new RfcommChannelBusyException(operation, errno, inner),
        Linux.Sockets.Errno.ECONNRESET or Linux.Sockets.Errno.ECONNABORTED or Linux.Sockets.Errno.ENOTCONN or Linux.Sockets.Errno.EPIPE
            or Linux.Sockets.Errno.EHOSTDOWN or Linux.Sockets.Errno.EHOSTUNREACH or Linux.Sockets.Errno.ENETDOWN or Linux.Sockets.Errno.ENODEV
            => new RfcommLinkLostException(operation, errno, inner),
        _ => new RfcommException(operation, errno, inner),
    };
}
