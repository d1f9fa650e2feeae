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

    /// <summary>
    /// connect(2) that keeps the kernel's errno: <see cref="TryConnect"/>, then, while the kernel completes it, poll(2)
    /// for writability (a finished attempt, failed or not, is writable) with a short growing back-off (1–20 ms), then
    /// <see cref="TakeSocketError"/>. Returns 0 when connected, else the errno; ETIMEDOUT after <paramref name="timeout"/>.
    /// Polling, not the runtime's epoll wait: the runtime reads SO_ERROR itself and maps errno values it does not know
    /// (EBADE, EKEYREJECTED…) to one meaningless code. The caller closes the socket on failure.
    /// </summary>
    public static async ValueTask<int> ConnectKeepingErrnoAsync<T>(this NativeSocket socket, T address, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) where T : INativeSocketAddress
    {
        int rc = socket.TryConnect(address);
        if (rc != Errno.EINPROGRESS) return rc;
        long deadline = timeout is { } t ? Environment.TickCount64 + (long)t.TotalMilliseconds : long.MaxValue;
        int delay = 1;
        while (!socket.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectWrite))
        {
            if (Environment.TickCount64 >= deadline) return Errno.ETIMEDOUT;
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 20);
        }
        return socket.TakeSocketError();
    }

    /// <summary>getsockopt(SOL_SOCKET, SO_ERROR): the pending socket error (and clears it); 0 when none.</summary>
    public static int TakeSocketError(this NativeSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.GetOptionInt32(SOL_SOCKET, SO_ERROR);
    }
}
