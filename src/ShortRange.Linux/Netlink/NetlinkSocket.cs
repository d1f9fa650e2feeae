using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Netlink.NetlinkConstants;

namespace ShortRange.Linux.Netlink;

/// <summary>
/// An async netlink transport: one receive loop on the runtime's epoll engine, requests correlated by sequence number,
/// NLM_F_ACK requests, NLM_F_DUMP dumps until NLMSG_DONE, NLMSG_ERROR as <see cref="NetlinkException"/> with the
/// extended-ACK text (NETLINK_EXT_ACK), and multicast groups as observables (subscribe joins, dispose leaves).
/// Closing fails every pending request and errors every observer once; the first close reason wins. A dump whose
/// NLMSG_DONE carries an errno fails with <see cref="NetlinkException"/>; the kernel's one-shot spurious EINVAL after a
/// dump is absorbed (<see cref="SpuriousDumpErrors"/>).
/// </summary>
public sealed partial class NetlinkSocket : IDisposable
{
    private readonly NativeSocket _socket;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<uint, Pending> _pending = new();
    private readonly ConcurrentDictionary<int, IObserver<NetlinkMessage>> _observers = new();
    private readonly Dictionary<uint, int> _groupRefs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Exception? _closeReason;
    private int _seq;
    private int _observerId;

    private sealed class Pending(string operation, bool dump)
    {
        public readonly string Operation = operation;
        public readonly bool Dump = dump;
        public readonly List<NetlinkMessage> Replies = [];
        public readonly TaskCompletionSource<IReadOnlyList<NetlinkMessage>> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private NetlinkSocket(NativeSocket socket, int protocol, ILogger logger)
    {
        _socket = socket;
        Protocol = protocol;
        _logger = logger;
        var local = NetlinkSocketAddress.Read(socket.GetLocalAddress());
        PortId = local.PortId;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Opens and binds a netlink socket of <paramref name="protocol"/> (NETLINK_ROUTE, NETLINK_GENERIC…) in the caller's network namespace.</summary>
    public static NetlinkSocket Open(int protocol, ILogger? logger = null)
    {
        var s = NativeSocket.Create(LinuxAddressFamily.AF_NETLINK, SocketType.Raw, protocol);
        try
        {
            s.SetOption(SOL_NETLINK, NETLINK_EXT_ACK, 1);
            s.SetOption(SOL_NETLINK, NETLINK_CAP_ACK, 1);
            s.SetOption(1 /* SOL_SOCKET */, 8 /* SO_RCVBUF */, 1 << 20);
            s.Bind(new NetlinkSocketAddress());
            return new NetlinkSocket(s, protocol, logger ?? NullLogger.Instance);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    public int Protocol { get; }

    /// <summary>The port id the kernel assigned (nl_pid).</summary>
    public uint PortId { get; }

    /// <summary>
    /// Sends a request (NLM_F_REQUEST|NLM_F_ACK added) and collects the replies: for a dump (flags contain NLM_F_DUMP)
    /// every message until NLMSG_DONE; otherwise every reply before the ACK (empty for plain ACKs).
    /// </summary>
    public async Task<IReadOnlyList<NetlinkMessage>> RequestAsync(ushort type, ushort flags, ReadOnlyMemory<byte> payload,
        CancellationToken cancellationToken = default, string? operation = null)
    {
        ThrowIfClosed();
        uint seq = (uint)Interlocked.Increment(ref _seq);
        bool dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
        var p = new Pending(operation ?? $"netlink request type {type}", dump);
        _pending[seq] = p;
        try
        {
            var msg = new NetlinkMessage(type, (ushort)(flags | NLM_F_REQUEST | NLM_F_ACK), seq, 0, payload);
            if (Volatile.Read(ref _closeReason) is { } reason) throw Closed(reason);
            await _socket.Socket.SendAsync(msg.ToBytes(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return await p.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new NativeSocketException("sendmsg", LinuxAddressFamily.AF_NETLINK, e.NativeErrorCode, e);
        }
        finally
        {
            _pending.TryRemove(seq, out _);
        }
    }

    /// <summary>
    /// Multicast messages of <paramref name="group"/>: subscribing joins the group (NETLINK_ADD_MEMBERSHIP), disposing the
    /// last subscription leaves it. Observers see every multicast message this socket receives (use one socket per group
    /// to keep groups apart). Errors once when the socket closes.
    /// </summary>
    public IObservable<NetlinkMessage> Subscribe(uint group) => Observable.Create<NetlinkMessage>(observer =>
    {
        if (Volatile.Read(ref _closeReason) is { } reason)
        {
            observer.OnError(Closed(reason));
            return Disposable.Empty;
        }
        lock (_groupRefs)
        {
            _groupRefs.TryGetValue(group, out int n);
            if (n == 0) _socket.SetOption(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, (int)group);
            _groupRefs[group] = n + 1;
        }
        int id = Interlocked.Increment(ref _observerId);
        _observers[id] = observer;
        return Disposable.Create(() =>
        {
            if (!_observers.TryRemove(id, out _)) return;
            lock (_groupRefs)
            {
                int n = _groupRefs[group] - 1;
                _groupRefs[group] = n;
                if (n == 0 && Volatile.Read(ref _closeReason) is null)
                {
                    try { _socket.SetOption(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, (int)group); }
                    catch (ObjectDisposedException) { }
                }
            }
        });
    });

    /// <summary>
    /// How many times a receive failed with the kernel's spurious EINVAL after a dump and the socket carried on (see
    /// <see cref="ReceiveLoopAsync"/>). Diagnostic: it counts a kernel race, not lost messages.
    /// </summary>
    public long SpuriousDumpErrors => Interlocked.Read(ref _spuriousDumpErrors);

    private long _spuriousDumpErrors;

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        bool lastFailed = false;
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await _socket.Socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                    lastFailed = false;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.InvalidArgument && !lastFailed)
                {
                    // A kernel race, not a broken socket (net/netlink/af_netlink.c, seen on 6.1 under load): recvmsg checks
                    // nlk->cb_running without the dump mutex and then calls netlink_dump(); the dump that just queued its
                    // NLMSG_DONE clears cb_running only after queuing it, so a reader on another CPU that dequeued the DONE
                    // finds the dump over, netlink_dump() returns -EINVAL, and recvmsg stores it in sk_err. The DONE was
                    // already delivered; the next recvmsg reports the stored error once and clears it. Nothing is lost, so
                    // receive again; a second EINVAL in a row is not this race and ends the socket.
                    Interlocked.Increment(ref _spuriousDumpErrors);
                    LogSpuriousDumpError(_logger, Protocol, PortId);
                    lastFailed = true;
                    continue;
                }
                List<NetlinkMessage> messages;
                try
                {
                    messages = NetlinkMessage.ParseDatagram(buffer.AsSpan(0, n));
                }
                catch (NetlinkFormatException e)
                {
                    _logger.LogWarning(e, "dropped a malformed netlink datagram of {Length} bytes", n);
                    continue;
                }
                foreach (var m in messages) Dispatch(m);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            Close(new NetlinkClosedException("the netlink socket was closed"));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
        {
            // ENOBUFS: the kernel dropped multicast messages; observers must resynchronise, so this ends the socket.
            Close(new NativeSocketException("recvmsg", LinuxAddressFamily.AF_NETLINK, Errno.ENOBUFS, e));
        }
        catch (Exception e)
        {
            Close(e is ObjectDisposedException ? new NetlinkClosedException("the netlink socket was closed", e) : e);
        }
    }

    private void Dispatch(NetlinkMessage m)
    {
        if (m.Sequence != 0 && m.PortId == PortId && _pending.TryGetValue(m.Sequence, out var p))
        {
            switch (m.Type)
            {
                case NLMSG_ERROR:
                    int errno = -ReadError(m, out string? ext);
                    if (errno == 0) p.Done.TrySetResult(p.Replies);
                    else p.Done.TrySetException(new NetlinkException(p.Operation, errno, ext));
                    return;
                case NLMSG_DONE:
                    // The dump's own result (netlink_dump_done): a negative errno when the dump callback failed, for example
                    // ENODEV for a device that went away; an empty payload (very old kernels) means success.
                    int dumpErrno = m.Payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(m.Payload.Span) : 0;
                    if (dumpErrno <= 0) p.Done.TrySetResult(p.Replies);
                    else p.Done.TrySetException(new NetlinkException(p.Operation, dumpErrno, ReadDoneExtendedMessage(m)));
                    return;
                case NLMSG_NOOP:
                    return;
                default:
                    p.Replies.Add(m);
                    return;
            }
        }
        // Not a reply to a pending request: a multicast notification (the kernel may stamp it with the requester's port
        // and sequence). Control messages (late ACKs after a request completed) are never delivered to observers.
        if (m.Type >= NLMSG_MIN_TYPE)
        {
            foreach (var o in _observers.Values) o.OnNext(m);
        }
    }

    /// <summary>Reads nlmsgerr.error and the NLMSGERR_ATTR_MSG text.</summary>
    internal static int ReadError(NetlinkMessage m, out string? extendedMessage)
    {
        extendedMessage = null;
        var s = m.Payload.Span;
        if (s.Length < 4) throw new NetlinkFormatException("NLMSG_ERROR shorter than its error code");
        int error = BinaryPrimitives.ReadInt32LittleEndian(s);
        if ((m.Flags & NLM_F_ACK_TLVS) == 0 || s.Length < 4 + NLMSG_HDRLEN) return error;
        int tlvOffset = 4 + NLMSG_HDRLEN;
        if ((m.Flags & NLM_F_CAPPED) == 0)
            tlvOffset = 4 + Align((int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), (uint)s.Length));
        if (tlvOffset > s.Length) return error;
        foreach (var a in new NetlinkAttributeReader(s[tlvOffset..]))
            if (a.Type == NLMSGERR_ATTR_MSG) extendedMessage = a.GetString();
        return error;
    }

    /// <summary>NLMSGERR_ATTR_MSG of a failed dump's NLMSG_DONE (TLVs follow the errno when NLM_F_ACK_TLVS is set).</summary>
    private static string? ReadDoneExtendedMessage(NetlinkMessage m)
    {
        if ((m.Flags & NLM_F_ACK_TLVS) == 0 || m.Payload.Length <= 4) return null;
        foreach (var a in new NetlinkAttributeReader(m.Payload.Span[4..]))
            if (a.Type == NLMSGERR_ATTR_MSG) return a.GetString();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "netlink protocol {Protocol} port {PortId}: recvmsg reported the kernel's spurious EINVAL after a dump; receiving on")]
    private static partial void LogSpuriousDumpError(ILogger logger, int protocol, uint portId);

    private void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null) return;
        foreach (var p in _pending.Values) p.Done.TrySetException(Closed(reason));
        foreach (var key in _observers.Keys)
            if (_observers.TryRemove(key, out var o)) o.OnError(Closed(reason));
    }

    private static Exception Closed(Exception reason) =>
        reason is NetlinkClosedException ? reason : new NetlinkClosedException("the netlink socket failed: " + reason.Message, reason);

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closeReason) is { } r) throw Closed(r);
    }

    /// <summary>Closes the socket: pending requests fail and observers error with <see cref="NetlinkClosedException"/>.</summary>
    public void Dispose()
    {
        Close(new NetlinkClosedException("the netlink socket was closed"));
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
