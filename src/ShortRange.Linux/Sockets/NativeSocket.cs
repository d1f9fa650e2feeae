using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Errors;
using ShortRange.Linux.Interop;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// A kernel socket of any family, created with libc socket(SOCK_CLOEXEC|SOCK_NONBLOCK) and wrapped once as a runtime
/// <see cref="System.Net.Sockets.Socket"/> (through SafeSocketHandle), so Send/Receive/Accept are async on the runtime's
/// epoll engine with CancellationToken. Keeps the kernel family, type and protocol itself (the wrapped Socket reports
/// AddressFamily.Unknown for families .NET does not know). Use <see cref="Socket"/> for I/O; dispose closes the fd.
/// </summary>
public sealed class NativeSocket : IDisposable
{
    private NativeSocket(Socket socket, int family, int type, int protocol)
    {
        Socket = socket;
        AddressFamily = family;
        SocketType = type;
        Protocol = protocol;
    }

    /// <summary>The runtime socket: use SendAsync/ReceiveAsync/ReceiveFromAsync etc. with a CancellationToken.</summary>
    public Socket Socket { get; }

    /// <summary>Kernel address family (<see cref="LinuxAddressFamily"/>).</summary>
    public int AddressFamily { get; }

    /// <summary>SOCK_STREAM=1, SOCK_DGRAM=2, SOCK_RAW=3, SOCK_SEQPACKET=5.</summary>
    public int SocketType { get; }

    public int Protocol { get; }

    /// <summary>
    /// For a socket returned by <see cref="AcceptAsync"/>: the peer's sockaddr as accept(2) reported it. Unlike
    /// getpeername(2), it stays readable after the peer has already closed (a peer that connects, sends and leaves before
    /// the accept is handled: its data is still queued, but getpeername on Bluetooth sockets then fails with ENOTCONN).
    /// </summary>
    public ReadOnlyMemory<byte>? AcceptedPeerAddress { get; private init; }

    /// <summary>
    /// Creates a socket. Throws <see cref="StackUnavailableException"/> when the kernel lacks the family
    /// (EAFNOSUPPORT / EPROTONOSUPPORT on AF_BLUETOOTH, AF_NFC, AF_IEEE802154), otherwise <see cref="NativeSocketException"/>.
    /// </summary>
    public static NativeSocket Create(int addressFamily, SocketType type, int protocol) => Create(addressFamily, (int)type, protocol);

    /// <inheritdoc cref="Create(int, SocketType, int)"/>
    public static NativeSocket Create(int addressFamily, int type, int protocol)
    {
        int fd = Libc.socket(addressFamily, type | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, protocol);
        if (fd < 0) throw CreateFailure(addressFamily, Marshal.GetLastPInvokeError());
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch
        {
            Libc.close(fd);
            throw;
        }
        return new NativeSocket(socket, addressFamily, type, protocol);
    }

    internal static Exception CreateFailure(int family, int errno)
    {
        var tech = LinuxAddressFamily.TechnologyOf(family);
        if (tech is { } t && errno is Errno.EAFNOSUPPORT or Errno.EPROTONOSUPPORT)
        {
            string what = t switch
            {
                Technology.Bluetooth => "Bluetooth",
                Technology.Nfc => "NFC",
                _ => "IEEE 802.15.4",
            };
            return new StackUnavailableException(t, $"this kernel has no {what} support ({LinuxAddressFamily.Name(family)})",
                new NativeSocketException("socket", family, errno));
        }
        return new NativeSocketException("socket", family, errno);
    }

    private NativeSocketException Failure(string operation, int errno) => new(operation, AddressFamily, errno);

    /// <summary>bind(2) with the exact sockaddr bytes.</summary>
    public void Bind<T>(T address) where T : INativeSocketAddress
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> sa = stackalloc byte[address.Size];
        address.WriteTo(sa);
        Bind(sa);
    }

    /// <summary>bind(2) with raw sockaddr bytes.</summary>
    /// <remarks>Goes through Socket.Bind with a <see cref="NativeEndPoint"/> so the runtime knows the local end point (needed by AcceptAsync).</remarks>
    public void Bind(ReadOnlySpan<byte> sockaddr)
    {
        try
        {
            Socket.Bind(new NativeEndPoint(sockaddr, Socket.AddressFamily));
        }
        catch (SocketException e)
        {
            throw new NativeSocketException("bind", AddressFamily, e.NativeErrorCode, e);
        }
    }

    /// <summary>
    /// Connects without blocking a thread: the runtime's ConnectAsync issues connect(2), and on EINPROGRESS waits for
    /// writability on its epoll engine and reads SO_ERROR. Cancellation (or <paramref name="timeout"/>) aborts the
    /// attempt; the runtime then closes the socket, as it does for any cancelled connect.
    /// </summary>
    public async ValueTask ConnectAsync<T>(T address, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : INativeSocketAddress
    {
        ArgumentNullException.ThrowIfNull(address);
        var endPoint = new NativeEndPoint(address.ToBytes(), Socket.AddressFamily);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t) cts.CancelAfter(t);
        try
        {
            await Socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NativeSocketException("connect", AddressFamily, Errno.ETIMEDOUT);
        }
        catch (SocketException e)
        {
            throw new NativeSocketException("connect", AddressFamily, e.NativeErrorCode, e);
        }
    }

    /// <summary>listen(2).</summary>
    public void Listen(int backlog = 16)
    {
        try
        {
            Socket.Listen(backlog); // through the runtime so its AcceptAsync knows the socket listens
        }
        catch (SocketException e)
        {
            throw new NativeSocketException("listen", AddressFamily, e.NativeErrorCode, e);
        }
    }

    /// <summary>
    /// Accepts one connection through the runtime's Socket.AcceptAsync (epoll engine, no thread, cancellable).
    /// Requires the socket to have been bound with <see cref="Bind{T}"/> (which records a NativeEndPoint the runtime
    /// uses to size and parse the peer address). Returns a wrapped socket of the same family.
    /// </summary>
    public async ValueTask<NativeSocket> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var accepted = await Socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            // The runtime builds RemoteEndPoint from accept's sockaddr through the NativeEndPoint recorded at Bind.
            return new NativeSocket(accepted, AddressFamily, SocketType, Protocol) { AcceptedPeerAddress = AcceptedPeer(accepted) };
        }
        catch (SocketException e)
        {
            throw new NativeSocketException("accept", AddressFamily, e.NativeErrorCode, e);
        }
    }

    private static byte[]? AcceptedPeer(Socket accepted)
    {
        try { return accepted.RemoteEndPoint is NativeEndPoint peer ? peer.Bytes.ToArray() : null; }
        catch (SocketException) { return null; } // then getpeername answers, as for any socket
    }

    /// <summary>setsockopt(2) with raw bytes.</summary>
    public unsafe void SetOption(int level, int name, ReadOnlySpan<byte> value)
    {
        using var r = new FdRef(Socket.SafeHandle);
        fixed (byte* p = value)
        {
            if (Libc.setsockopt(r.Fd, level, name, p, value.Length) != 0) throw Failure($"setsockopt({level},{name})", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>setsockopt(2) with an int value.</summary>
    public void SetOption(int level, int name, int value) =>
        SetOption(level, name, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in value)));

    /// <summary>getsockopt(2) into <paramref name="value"/>; returns the length the kernel wrote.</summary>
    public unsafe int GetOption(int level, int name, Span<byte> value)
    {
        using var r = new FdRef(Socket.SafeHandle);
        int len = value.Length;
        fixed (byte* p = value)
        {
            if (Libc.getsockopt(r.Fd, level, name, p, &len) != 0) throw Failure($"getsockopt({level},{name})", Marshal.GetLastPInvokeError());
        }
        return len;
    }

    /// <summary>getsockopt(2) of an int option.</summary>
    public int GetOptionInt32(int level, int name)
    {
        int v = 0;
        GetOption(level, name, MemoryMarshal.AsBytes(new Span<int>(ref v)));
        return v;
    }

    /// <summary>getsockname(2): the bound sockaddr bytes (up to 128 bytes).</summary>
    public unsafe byte[] GetLocalAddress()
    {
        using var r = new FdRef(Socket.SafeHandle);
        Span<byte> buf = stackalloc byte[128];
        int len = buf.Length;
        fixed (byte* p = buf)
        {
            if (Libc.getsockname(r.Fd, p, &len) != 0) throw Failure("getsockname", Marshal.GetLastPInvokeError());
        }
        return buf[..Math.Min(len, buf.Length)].ToArray();
    }

    /// <summary>ioctl(2) with a pointer to <paramref name="argument"/>; returns ioctl's non-negative result.</summary>
    public unsafe int IoCtl(uint request, Span<byte> argument)
    {
        using var r = new FdRef(Socket.SafeHandle);
        fixed (byte* p = argument)
        {
            int rc = Libc.ioctl(r.Fd, request, p);
            if (rc < 0) throw Failure($"ioctl(0x{request:X})", Marshal.GetLastPInvokeError());
            return rc;
        }
    }

    /// <summary>ioctl(2) with an integer argument passed by value.</summary>
    public unsafe int IoCtl(uint request, nint argument)
    {
        using var r = new FdRef(Socket.SafeHandle);
        int rc = Libc.ioctl(r.Fd, request, (void*)argument);
        if (rc < 0) throw Failure($"ioctl(0x{request:X})", Marshal.GetLastPInvokeError());
        return rc;
    }

    public void Dispose() => Socket.Dispose();
}
