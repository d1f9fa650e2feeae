using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ShortRange.DBus;

/// <summary>
/// A connected, authenticated AF_UNIX stream to a bus, used only with blocking calls: the connection's own receive
/// thread blocks in recvmsg (taking bytes and any SCM_RIGHTS fds together), and senders write with send/sendmsg.
/// The socket is never used asynchronously, so the runtime's epoll engine never watches it: measured, the engine's
/// path cost a zero-byte receive, two extra recvmsg and two epoll wake-ups (EPOLLOUT after every send) per reply.
/// The fd is borrowed with DangerousAddRef/DangerousRelease for each native call so it cannot be closed (and
/// reused) under us; <see cref="Dispose"/> shuts the socket down, which wakes a blocked receive with end of stream.
/// </summary>
internal sealed class UnixTransport : IDisposable
{
    private const int MaxFdsPerRead = 253; // SCM_MAX_FD
    private readonly Socket _socket;

    private UnixTransport(Socket socket, string guid, bool fdPassing)
    {
        _socket = socket;
        ServerGuid = guid;
        SupportsFdPassing = fdPassing;
    }

    public string ServerGuid { get; }

    public bool SupportsFdPassing { get; }

    public static async Task<UnixTransport> ConnectAsync(string addressList, bool negotiateFds, CancellationToken cancellationToken)
    {
        IReadOnlyList<DBusAddress> addresses;
        try
        {
            addresses = DBusAddress.ParseList(addressList);
        }
        catch (FormatException e)
        {
            throw new ConnectException($"Invalid D-Bus address '{addressList}': {e.Message}", e);
        }
        var errors = new List<Exception>();
        foreach (DBusAddress address in addresses)
        {
            string? path = address.UnixSocketPath;
            if (path is null)
            {
                errors.Add(new NotSupportedException($"Unsupported D-Bus transport '{address.Transport}' (only unix:path= and unix:abstract=)."));
                continue;
            }
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                (string guid, bool fds) = await ConnectAndAuthenticateAsync(socket, path, negotiateFds, cancellationToken).ConfigureAwait(false);
                if (address.Guid is { } expected && !string.Equals(expected, guid, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ConnectException($"Server GUID {guid} does not match the address's guid {expected}.");
                }
                return new UnixTransport(socket, guid, fds);
            }
            catch (Exception e) when (e is SocketException or ConnectException or IOException)
            {
                socket.Dispose();
                errors.Add(e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new ConnectException($"Could not connect to D-Bus at '{addressList}': " + string.Join("; ", errors.Select(e => e.Message)),
            errors.Count == 1 ? errors[0] : new AggregateException(errors));
    }

    // Connect and SASL with blocking calls on a pool thread (connecting is rare); cancellation disposes the socket,
    // which aborts a blocked call.
    private static async Task<(string Guid, bool FdPassing)> ConnectAndAuthenticateAsync(Socket socket, string path, bool negotiateFds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket);
        try
        {
            return await Task.Run(() =>
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                return SaslExternal.Authenticate(socket, negotiateFds);
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is SocketException or ObjectDisposedException or ConnectException)
        {
            throw new OperationCanceledException("Connecting to the bus was canceled.", e, cancellationToken);
        }
    }

    /// <summary>
    /// Blocks until bytes arrive, then receives into buffer[offset..offset+count]; fds that arrive are appended to
    /// <paramref name="fds"/>. 0 = end of stream (also after <see cref="Dispose"/>).
    /// </summary>
    public unsafe int Receive(byte[] buffer, int offset, int count, List<SafeFileHandle> fds)
    {
        int controlLength = Interop.CMSG_SPACE(MaxFdsPerRead * sizeof(int));
        byte* control = stackalloc byte[controlLength];
        bool added = false;
        SafeSocketHandle handle = _socket.SafeHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            fixed (byte* p = &buffer[offset])
            {
                var iov = new Interop.iovec { iov_base = p, iov_len = (nuint)count };
                var msg = new Interop.msghdr
                {
                    msg_iov = &iov,
                    msg_iovlen = 1,
                    msg_control = control,
                    msg_controllen = (nuint)controlLength,
                };
                nint rv;
                do
                {
                    rv = Interop.recvmsg(handle.DangerousGetHandle(), &msg, Interop.MSG_CMSG_CLOEXEC);
                }
                while (rv < 0 && Marshal.GetLastPInvokeError() == Interop.EINTR);
                if (rv < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new IOException($"recvmsg on the D-Bus socket failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                }
                CollectFds(&msg, fds);
                if ((msg.msg_flags & Interop.MSG_CTRUNC) != 0)
                {
                    throw new ProtocolException("Received more file descriptors than fit the control buffer (MSG_CTRUNC).");
                }
                return (int)rv;
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static unsafe void CollectFds(Interop.msghdr* msg, List<SafeFileHandle> fds)
    {
        byte* control = (byte*)msg->msg_control;
        nuint length = msg->msg_controllen;
        nuint pos = 0;
        int headerSize = Interop.CMSG_ALIGN(sizeof(Interop.cmsghdr));
        while (pos + (nuint)sizeof(Interop.cmsghdr) <= length)
        {
            var cmsg = (Interop.cmsghdr*)(control + pos);
            if (cmsg->cmsg_len < (nuint)headerSize || pos + cmsg->cmsg_len > length)
            {
                break;
            }
            if (cmsg->cmsg_level == Interop.SOL_SOCKET && cmsg->cmsg_type == Interop.SCM_RIGHTS)
            {
                int n = (int)(cmsg->cmsg_len - (nuint)headerSize) / sizeof(int);
                int* data = (int*)((byte*)cmsg + headerSize);
                for (int i = 0; i < n; i++)
                {
                    fds.Add(new SafeFileHandle(data[i], ownsHandle: true));
                }
            }
            pos += (nuint)Interop.CMSG_ALIGN((int)cmsg->cmsg_len);
        }
    }

    /// <summary>Sends the whole message (blocking while the socket buffer is full).</summary>
    public void Send(MessageBuffer message)
    {
        ReadOnlySpan<byte> span = message.Span;
        if (message.Handles is { Length: > 0 } handles)
        {
            if (!SupportsFdPassing)
            {
                throw new NotSupportedException("The bus did not agree to Unix fd passing.");
            }
            int sent;
            while ((sent = SendWithFds(message.Memory, handles)) < 0)
            {
                _socket.Poll(100_000, SelectMode.SelectWrite);
            }
            span = span.Slice(sent);
        }
        while (!span.IsEmpty)
        {
            span = span.Slice(_socket.Send(span, SocketFlags.None));
        }
    }

    private unsafe int SendWithFds(ReadOnlyMemory<byte> memory, SafeHandle[] handles)
    {
        int controlLength = Interop.CMSG_SPACE(handles.Length * sizeof(int));
        byte* control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        var refs = new bool[handles.Length];
        bool added = false;
        SafeSocketHandle socketHandle = _socket.SafeHandle;
        try
        {
            socketHandle.DangerousAddRef(ref added);
            var cmsg = (Interop.cmsghdr*)control;
            cmsg->cmsg_len = (nuint)Interop.CMSG_LEN(handles.Length * sizeof(int));
            cmsg->cmsg_level = Interop.SOL_SOCKET;
            cmsg->cmsg_type = Interop.SCM_RIGHTS;
            int* data = (int*)(control + Interop.CMSG_ALIGN(sizeof(Interop.cmsghdr)));
            for (int i = 0; i < handles.Length; i++)
            {
                handles[i].DangerousAddRef(ref refs[i]);
                data[i] = (int)handles[i].DangerousGetHandle();
            }
            using System.Buffers.MemoryHandle pin = memory.Pin();
            var iov = new Interop.iovec { iov_base = pin.Pointer, iov_len = (nuint)memory.Length };
            var msg = new Interop.msghdr
            {
                msg_iov = &iov,
                msg_iovlen = 1,
                msg_control = control,
                msg_controllen = (nuint)controlLength,
            };
            nint rv;
            do
            {
                rv = Interop.sendmsg(socketHandle.DangerousGetHandle(), &msg, Interop.MSG_DONTWAIT | Interop.MSG_NOSIGNAL);
            }
            while (rv < 0 && Marshal.GetLastPInvokeError() == Interop.EINTR);
            if (rv < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Interop.EAGAIN)
                {
                    return -1;
                }
                throw new IOException($"sendmsg on the D-Bus socket failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
            return (int)rv;
        }
        finally
        {
            for (int i = 0; i < handles.Length; i++)
            {
                if (refs[i])
                {
                    handles[i].DangerousRelease();
                }
            }
            if (added)
            {
                socketHandle.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected: closing is all that is left to do.
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
        _socket.Dispose();
    }
}
