using System.Globalization;
using System.Runtime.InteropServices;

namespace ShortRange.Linux.Sockets;

/// <summary>Linux errno values the SDK names in messages (&lt;asm-generic/errno-base.h&gt;, &lt;asm-generic/errno.h&gt;).</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9, EAGAIN = 11,
        ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, ENOTDIR = 20, EINVAL = 22, ENFILE = 23,
        EMFILE = 24, ENOTTY = 25, ENOSPC = 28, EPIPE = 32, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38,
        ENODATA = 61, ETIME = 62, EPROTO = 71, EBADMSG = 74, EOVERFLOW = 75, EMSGSIZE = 90, EPROTOTYPE = 91,
        ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EPFNOSUPPORT = 96,
        EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ECONNABORTED = 103,
        ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108, ETIMEDOUT = 110,
        ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115, ECANCELED = 125,
        ERFKILL = 132;

    /// <summary>The symbolic name ("EAFNOSUPPORT"), or "errno N" for values outside the table.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", ESRCH => "ESRCH", EINTR => "EINTR", EIO => "EIO", ENXIO => "ENXIO",
        E2BIG => "E2BIG", EBADF => "EBADF", EAGAIN => "EAGAIN", ENOMEM => "ENOMEM", EACCES => "EACCES", EFAULT => "EFAULT",
        EBUSY => "EBUSY", EEXIST => "EEXIST", ENODEV => "ENODEV", ENOTDIR => "ENOTDIR", EINVAL => "EINVAL",
        ENFILE => "ENFILE", EMFILE => "EMFILE", ENOTTY => "ENOTTY", ENOSPC => "ENOSPC", EPIPE => "EPIPE",
        ERANGE => "ERANGE", EDEADLK => "EDEADLK", ENAMETOOLONG => "ENAMETOOLONG", ENOSYS => "ENOSYS",
        ENODATA => "ENODATA", ETIME => "ETIME", EPROTO => "EPROTO", EBADMSG => "EBADMSG", EOVERFLOW => "EOVERFLOW",
        EMSGSIZE => "EMSGSIZE", EPROTOTYPE => "EPROTOTYPE", ENOPROTOOPT => "ENOPROTOOPT",
        EPROTONOSUPPORT => "EPROTONOSUPPORT", ESOCKTNOSUPPORT => "ESOCKTNOSUPPORT", EOPNOTSUPP => "EOPNOTSUPP",
        EPFNOSUPPORT => "EPFNOSUPPORT", EAFNOSUPPORT => "EAFNOSUPPORT", EADDRINUSE => "EADDRINUSE",
        EADDRNOTAVAIL => "EADDRNOTAVAIL", ENETDOWN => "ENETDOWN", ENETUNREACH => "ENETUNREACH",
        ECONNABORTED => "ECONNABORTED", ECONNRESET => "ECONNRESET", ENOBUFS => "ENOBUFS", EISCONN => "EISCONN",
        ENOTCONN => "ENOTCONN", ESHUTDOWN => "ESHUTDOWN", ETIMEDOUT => "ETIMEDOUT", ECONNREFUSED => "ECONNREFUSED",
        EHOSTDOWN => "EHOSTDOWN", EHOSTUNREACH => "EHOSTUNREACH", EALREADY => "EALREADY", EINPROGRESS => "EINPROGRESS",
        ECANCELED => "ECANCELED", ERFKILL => "ERFKILL",
        _ => "errno " + errno.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>strerror() text for <paramref name="errno"/>.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
