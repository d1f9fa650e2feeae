using System.Runtime.InteropServices;

namespace ShortRange.Linux.Interop;

/// <summary>
/// The one place where ShortRange.Linux calls libc. C names are kept on purpose; .NET names begin above this layer.
/// Every call sets errno (SetLastError) so callers read it with <see cref="Marshal.GetLastPInvokeError"/>.
/// Descriptors are passed as plain ints: callers hold a reference on the owning SafeHandle for the duration (see <see cref="FdRef"/>).
/// </summary>
internal static unsafe partial class Libc
{
    private const string LibC = "libc";

    // <bits/socket_type.h>: flags or-ed into socket()'s type argument.
    internal const int SOCK_NONBLOCK = 0x800;   // 04000 octal
    internal const int SOCK_CLOEXEC = 0x80000;  // 02000000 octal

    // <fcntl.h>
    internal const int O_RDONLY = 0;
    internal const int O_CLOEXEC = 0x80000;

    // <sched.h>
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int bind(int sockfd, byte* addr, int addrlen);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int connect(int sockfd, byte* addr, int addrlen);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int listen(int sockfd, int backlog);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int accept4(int sockfd, byte* addr, int* addrlen, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int getsockname(int sockfd, byte* addr, int* addrlen);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int setsockopt(int sockfd, int level, int optname, byte* optval, int optlen);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int getsockopt(int sockfd, int level, int optname, byte* optval, int* optlen);

    // ioctl is variadic in C; on the Linux ABIs .NET supports (x86-64, arm64) one pointer-sized third argument
    // passes the same way as a fixed argument.
    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int ioctl(int fd, nuint request, void* arg);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string pathname, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int setns(int fd, int nstype);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int unshare(int flags);
}
