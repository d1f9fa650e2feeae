using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// L2CAP (BTPROTO_L2CAP) client and server sockets, BR/EDR by PSM or LE credit-based by LE PSM (address type LE).
/// The connected fd is wrapped as a runtime <see cref="Socket"/> for async send/receive with cancellation.
/// Blocking connect/accept run on a worker thread (interim, until the Linux layer offers async connect).
/// </summary>
public static partial class L2capSockets
{
    private const int SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)] private static partial int socket(int d, int t, int p);
    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)] private static unsafe partial int bind(int fd, byte* a, int l);
    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)] private static unsafe partial int connect(int fd, byte* a, int l);
    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)] private static partial int listen(int fd, int backlog);
    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)] private static unsafe partial int accept4(int fd, byte* a, int* l, int flags);
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)] private static partial int close(int fd);
    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)] private static partial int shutdown(int fd, int how);

    private static int Open(bool stream)
    {
        int fd = socket(LinuxAddressFamily.AF_BLUETOOTH, (stream ? SOCK_STREAM : SOCK_SEQPACKET) | SOCK_CLOEXEC, BluetoothSocketConstants.BTPROTO_L2CAP);
        return fd >= 0 ? fd : throw new L2capException("socket", Marshal.GetLastPInvokeError());
    }

    private static unsafe void Bind(int fd, L2capSocketAddress a)
    {
        Span<byte> sa = stackalloc byte[L2capSocketAddress.SizeOf];
        a.WriteTo(sa);
        fixed (byte* p = sa)
            if (bind(fd, p, sa.Length) < 0) { int e = Marshal.GetLastPInvokeError(); close(fd); throw new L2capException("bind", e); }
    }

    /// <summary>Connects to <paramref name="remote"/>; on cancellation or <paramref name="timeout"/> the attempt is aborted.</summary>
    public static async Task<Socket> ConnectAsync(L2capSocketAddress local, L2capSocketAddress remote, bool stream = false,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        int fd = Open(stream);
        Bind(fd, local);
        var attempt = Task.Factory.StartNew(() => BlockingConnect(fd, remote),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            int errno = await attempt.WaitAsync(timeout ?? TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            if (errno != 0) { close(fd); throw new L2capException("connect to " + remote.Address.ToString("X12", System.Globalization.CultureInfo.InvariantCulture), errno); }
            return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            shutdown(fd, 2); // wakes the blocked connect(); then the fd is ours to close
            await attempt.ConfigureAwait(false);
            close(fd);
            if (ex is TimeoutException) throw new L2capException("connect", Errno.ETIMEDOUT);
            throw;
        }
    }

    private static unsafe int BlockingConnect(int fd, L2capSocketAddress remote)
    {
        Span<byte> sa = stackalloc byte[L2capSocketAddress.SizeOf];
        remote.WriteTo(sa);
        fixed (byte* p = sa) return connect(fd, p, sa.Length) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    private static unsafe (int Fd, int Errno) BlockingAccept(int fd)
    {
        int c = accept4(fd, null, null, SOCK_CLOEXEC);
        return c >= 0 ? (c, 0) : (-1, Marshal.GetLastPInvokeError());
    }

    /// <summary>A listening L2CAP socket; <see cref="L2capListener.AcceptAsync"/> yields connected sockets.</summary>
    public static L2capListener Listen(L2capSocketAddress local, bool stream = false, int backlog = 4)
    {
        int fd = Open(stream);
        Bind(fd, local);
        if (listen(fd, backlog) < 0) { int e = Marshal.GetLastPInvokeError(); close(fd); throw new L2capException("listen", e); }
        return new L2capListener(fd);
    }

    /// <summary>A listening socket. Dispose stops it (shutdown wakes a pending accept).</summary>
    public sealed class L2capListener : IDisposable
    {
        private readonly int _fd;
        private int _closed;

        internal L2capListener(int fd) => _fd = fd;

        public async Task<Socket> AcceptAsync(CancellationToken ct = default)
        {
            var accept = Task.Factory.StartNew(() => BlockingAccept(_fd), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            using (ct.Register(Dispose))
            {
                var (fd, errno) = await accept.ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (fd < 0) throw new L2capException("accept", errno);
                return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            shutdown(_fd, 2);
            close(_fd);
        }
    }
}
