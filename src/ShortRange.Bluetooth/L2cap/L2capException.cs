using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>An L2CAP socket operation failed; <see cref="Errno"/> names the kernel's reason (ECONNREFUSED, EHOSTDOWN, ETIMEDOUT …).</summary>
public class L2capException : BluetoothException
{
    public L2capException(string operation, int errno)
        : base($"L2CAP {operation} failed: {Linux.Sockets.Errno.Name(errno)} ({Linux.Sockets.Errno.Describe(errno)})") => Errno = errno;

    public int Errno { get; }
}
