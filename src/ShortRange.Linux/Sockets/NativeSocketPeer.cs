using System.Runtime.InteropServices;
using ShortRange.Linux.Interop;

namespace ShortRange.Linux.Sockets;

/// <summary>getpeername(2) for a connected <see cref="NativeSocket"/>: the kernel's view of the remote sockaddr.</summary>
public static class NativeSocketPeer
{
    /// <summary>
    /// The connected peer's sockaddr bytes (up to 128 bytes); throws <see cref="NativeSocketException"/> (ENOTCONN …).
    /// For an accepted socket, the address accept(2) reported (<see cref="NativeSocket.AcceptedPeerAddress"/>), which
    /// survives a peer that has already closed.
    /// </summary>
    public static unsafe byte[] GetPeerAddress(this NativeSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.AcceptedPeerAddress is { } accepted) return accepted.ToArray();
        using var r = new FdRef(socket.Socket.SafeHandle);
        Span<byte> buf = stackalloc byte[128];
        int len = buf.Length;
        fixed (byte* p = buf)
        {
            if (Libc.getpeername(r.Fd, p, &len) != 0)
                throw new NativeSocketException("getpeername", socket.AddressFamily, Marshal.GetLastPInvokeError());
        }
        return buf[..Math.Min(len, buf.Length)].ToArray();
    }
}
