using System.Runtime.InteropServices;
using ShortRange.Linux.Interop;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// connect(2) and SO_ERROR with the kernel's errno as is. The runtime's SocketException cannot carry errno values it does
/// not know (ENOLINK, ENXIO, EBADFD… come back as a meaningless NativeErrorCode), which families such as AF_NFC use.
/// </summary>
public static class NativeSocketConnect
{
    /// <summary>SOL_SOCKET / SO_ERROR (asm-generic/socket.h).</summary>
    private const int SOL_SOCKET = 1, SO_ERROR = 4;

    /// <summary>
    /// Calls connect(2) once on the (non-blocking) socket: returns 0 when connected, EINPROGRESS when the kernel completes
    /// it asynchronously (wait for writability, then read <see cref="TakeSocketError"/>), or the errno of the failure.
    /// </summary>
    public static unsafe int TryConnect<T>(this NativeSocket socket, T address) where T : INativeSocketAddress
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> sa = stackalloc byte[address.Size];
        address.WriteTo(sa);
        using var r = new FdRef(socket.Socket.SafeHandle);
        fixed (byte* p = sa)
        {
            return Libc.connect(r.Fd, p, sa.Length) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>getsockopt(SOL_SOCKET, SO_ERROR): the pending socket error (and clears it); 0 when none.</summary>
    public static int TakeSocketError(this NativeSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.GetOptionInt32(SOL_SOCKET, SO_ERROR);
    }
}
