using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ShortRange.DBus;

/// <summary>
/// A connected, authenticated AF_UNIX stream to a bus. Reads use a zero-byte receive on the runtime socket to learn
/// readability (epoll), then recvmsg(MSG_DONTWAIT) to take bytes and any SCM_RIGHTS fds together; sends with fds use
/// sendmsg. The fd is borrowed with DangerousAddRef/DangerousRelease for each native call so it cannot be closed
/// (and reused) under us.
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
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                (string guid, bool fds) = await SaslExternal.AuthenticateAsync(socket, negotiateFds, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Receives into buffer[offset..offset+count]; fds that arrive are appended to <paramref name="fds"/>. 0 = end of stream.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> ReceiveAsync(byte[] buffer, int offset, int count, List<SafeFileHandle> fds)
    {
        if (!SupportsFdPassing)
        {
            return await _socket.ReceiveAsync(buffer.AsMemory(offset, count), SocketFlags.None).ConfigureAwait(false);
        }
        while (true)
        {
            int n = TryReceiveMessage(buffer, offset, count, fds);
            if (n >= 0)
            {
                return n;
            }
            // Nothing to read: wait for readability without consuming bytes (zero-byte receive).
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
        }
    }

    private unsafe int TryReceiveMessage(byte[] buffer, int offset, int count, List<SafeFileHandle> fds)
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
                    rv = Interop.recvmsg(handle.DangerousGetHandle(), &msg, Interop.MSG_DONTWAIT | Interop.MSG_CMSG_CLOEXEC);
                }
                while (rv < 0 && Marshal.GetLastPInvokeError() == Interop.EINTR);
                if (rv < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.EAGAIN)
                    {
                        return -1;
                    }
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

    public async ValueTask SendAsync(MessageBuffer message)
    {
        ReadOnlyMemory<byte> memory = message.Memory;
        if (message.Handles is { Length: > 0 } handles)
        {
            if (!SupportsFdPassing)
            {
                throw new NotSupportedException("The bus did not agree to Unix fd passing.");
            }
            int sent;
            while ((sent = SendWithFds(memory, handles)) < 0)
            {
                // Socket buffer full: wait until writable, then try again.
                await Task.Yield();
                _socket.Poll(100_000, SelectMode.SelectWrite);
            }
            memory = memory.Slice(sent);
        }
        while (!memory.IsEmpty)
        {
            int n = await _socket.SendAsync(memory, SocketFlags.None).ConfigureAwait(false);
            memory = memory.Slice(n);
        }
    }

    /// <summary>Sends synchronously on the caller's thread (used when no send is queued).</summary>
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
