using System.Runtime.InteropServices;

#pragma warning disable CS8981, IDE1006 // Native structs keep their C names.

namespace ShortRange.DBus;

/// <summary>libc calls used for credentials and SCM_RIGHTS fd passing (x86-64/arm64 Linux LP64 layouts).</summary>
internal static unsafe partial class Interop
{
    private const string Libc = "libc";

    // <sys/socket.h>
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_CTRUNC = 0x8;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;
    // <asm-generic/errno-base.h>
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct iovec
    {
        public void* iov_base;
        public nuint iov_len;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct msghdr
    {
        public void* msg_name;
        public uint msg_namelen;
        public iovec* msg_iov;
        public nuint msg_iovlen;
        public void* msg_control;
        public nuint msg_controllen;
        public int msg_flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct cmsghdr
    {
        public nuint cmsg_len;
        public int cmsg_level;
        public int cmsg_type;
    }

    public static int CMSG_ALIGN(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);
    public static int CMSG_SPACE(int length) => CMSG_ALIGN(sizeof(cmsghdr)) + CMSG_ALIGN(length);
    public static int CMSG_LEN(int length) => CMSG_ALIGN(sizeof(cmsghdr)) + length;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint recvmsg(nint sockfd, msghdr* msg, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint sendmsg(nint sockfd, msghdr* msg, int flags);

    [LibraryImport(Libc)]
    public static partial uint geteuid();
}
