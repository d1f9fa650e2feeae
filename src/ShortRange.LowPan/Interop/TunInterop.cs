using System.Runtime.InteropServices;

namespace ShortRange.LowPan.Interop;

/// <summary>
/// libc calls on the /dev/net/tun character device (not a socket, so not in ShortRange.Linux; LowPan is its only user).
/// Interface ioctls (MTU, flags, index, addresses) go through ShortRange.Linux sockets (<see cref="InterfaceRequest"/>).
/// C names on purpose. Constants: include/uapi/linux/if_tun.h, fcntl.h, poll.h.
/// </summary>
internal static unsafe partial class TunInterop
{
    private const string LibC = "libc";

    internal const int O_RDWR = 2;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;

    // if_tun.h: TUNSETIFF = _IOW('T', 202, int)
    internal const nuint TUNSETIFF = 0x400454CA;
    internal const short IFF_TUN = 0x0001;
    internal const short IFF_NO_PI = 0x1000;

    internal const short POLLIN = 0x1;
    internal const int EAGAIN = 11;
    internal const int EINTR = 4;

    [StructLayout(LayoutKind.Sequential)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "C name")]
#pragma warning disable CS8981 // C struct name kept on purpose
    internal struct pollfd
    {
        public int fd;
        public short events;
        public short revents;
    }
#pragma warning restore CS8981

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string pathname, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int ioctl(int fd, nuint request, void* arg);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int poll(pollfd* fds, nuint nfds, int timeout);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int close(int fd);
}
