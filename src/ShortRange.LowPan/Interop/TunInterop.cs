using System.Runtime.InteropServices;

namespace ShortRange.LowPan.Interop;

/// <summary>
/// libc calls for the TUN device (not sockets, so not in ShortRange.Linux). C names on purpose.
/// Constants: include/uapi/linux/if_tun.h, include/uapi/linux/sockios.h, include/uapi/linux/if.h.
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

    // sockios.h
    internal const nuint SIOCGIFFLAGS = 0x8913;
    internal const nuint SIOCSIFFLAGS = 0x8914;
    internal const nuint SIOCSIFADDR = 0x8916;
    internal const nuint SIOCSIFMTU = 0x8922;
    internal const nuint SIOCGIFINDEX = 0x8933;

    // if.h
    internal const short IFF_UP = 0x1;
    internal const int IFNAMSIZ = 16;
    /// <summary>sizeof(struct ifreq) on 64-bit Linux.</summary>
    internal const int SizeOfIfreq = 40;
    /// <summary>sizeof(struct in6_ifreq): in6_addr + u32 prefixlen + int ifindex.</summary>
    internal const int SizeOfIn6Ifreq = 24;

    internal const int AF_INET6 = 10;
    internal const int SOCK_DGRAM = 2;

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
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int close(int fd);
}
