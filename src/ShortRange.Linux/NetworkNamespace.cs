using System.Runtime.InteropServices;
using ShortRange.Linux.Interop;
using ShortRange.Linux.Sockets;

namespace ShortRange.Linux;

/// <summary>
/// A Linux network namespace held open by an fd. Sockets keep the namespace they were created in, so
/// <see cref="Run{T}"/> creates them on a dedicated thread that setns()-es into the namespace (the thread then exits;
/// no pool thread is ever moved). Dispose closes the fd; an anonymous namespace disappears with its last socket.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly SafeFdHandle _fd;

    private NetworkNamespace(SafeFdHandle fd) => _fd = fd;

    /// <summary>Opens an existing namespace, e.g. "/var/run/netns/NAME" or "/proc/PID/ns/net".</summary>
    public static NetworkNamespace Open(string path)
    {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) throw new NativeSocketException($"open({path})", LinuxAddressFamily.AF_UNSPEC, Marshal.GetLastPInvokeError());
        return new NetworkNamespace(new SafeFdHandle(fd));
    }

    /// <summary>Creates a fresh anonymous namespace (needs CAP_SYS_ADMIN); it lives while this object or a socket in it is open.</summary>
    public static NetworkNamespace CreateAnonymous() => OnThread(() =>
    {
        if (Libc.unshare(Libc.CLONE_NEWNET) != 0)
            throw new NativeSocketException("unshare(CLONE_NEWNET)", LinuxAddressFamily.AF_UNSPEC, Marshal.GetLastPInvokeError());
        return Open("/proc/thread-self/ns/net");
    });

    /// <summary>The namespace fd (for IFLA_NET_NS_FD); valid while this object is alive.</summary>
    public int FileDescriptor => (int)_fd.DangerousGetHandle();

    /// <summary>Runs <paramref name="action"/> on a dedicated thread inside this namespace and returns its result.</summary>
    public T Run<T>(Func<T> action) => OnThread(() =>
    {
        using (var r = new FdRef(_fd))
        {
            if (Libc.setns(r.Fd, Libc.CLONE_NEWNET) != 0)
                throw new NativeSocketException("setns(CLONE_NEWNET)", LinuxAddressFamily.AF_UNSPEC, Marshal.GetLastPInvokeError());
        }
        return action();
    });

    private static T OnThread<T>(Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = action(); }
            catch (Exception e) { error = e; }
        }) { IsBackground = true, Name = "ShortRange netns" };
        t.Start();
        t.Join();
        if (error is not null) throw error;
        return result;
    }

    public void Dispose() => _fd.Dispose();
}
