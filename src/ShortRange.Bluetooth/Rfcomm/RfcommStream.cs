using System.Globalization;
using System.Net.Sockets;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Sdp;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>
/// A connected RFCOMM channel (BTPROTO_RFCOMM, SOCK_STREAM) as a <see cref="Stream"/>, so StreamReader, PipeReader and
/// CopyToAsync layer on it. Reads and writes are async on the runtime's epoll engine and cancellable. A read returns 0
/// once the peer has closed the channel; failures are <see cref="RfcommLinkLostException"/> (link or controller gone),
/// or another typed <see cref="RfcommException"/>.
/// </summary>
/// <remarks>
/// Closing: <see cref="CloseAsync"/> is graceful — the kernel queues the DISC frame behind data not yet sent and
/// (with SO_LINGER) shutdown waits for the peer's UA, so everything written reaches the peer first. <see cref="Dispose(bool)"/>
/// and <see cref="Abort"/> close at once without waiting. The peer's DISC reaches a reader as ECONNRESET, which the
/// kernel reports only after all received data was read; it is returned here as end of stream (0), and a write after
/// it (or pending beside it) fails with <see cref="RfcommLinkLostException"/> (ECONNRESET). A connect issued within
/// about 2 s after the last channel to the same peer closed can meet the kernel tearing down the idle RFCOMM session
/// (RFCOMM_IDLE_TIMEOUT) and fail with <see cref="RfcommLinkLostException"/> (ECONNRESET); clients that reconnect in a
/// loop keep one channel open, or connect again after the session is gone.
/// </remarks>
public sealed class RfcommStream : Stream
{
    private readonly NativeSocket _socket;
    private int _closed;

    // The kernel reports the end of a DLC (the peer's DISC, or the link going down) once: sk_err, which the first recv
    // or send to look consumes. RFCOMM sets no RCV_SHUTDOWN, so afterwards recv answers EAGAIN and send waits on a
    // socket that never wakes again; a read or write that was pending beside the one that took sk_err would hang. So
    // the first failure is kept here (first reason wins) and cancels every other pending operation through _ended.
    private int _endErrno;
    private readonly CancellationTokenSource _ended = new();

    private RfcommStream(NativeSocket socket, RfcommSocketAddress local, RfcommSocketAddress remote)
    {
        _socket = socket;
        LocalAddress = local;
        RemoteAddress = remote;
    }

    /// <summary>This side's adapter address and channel (getsockname).</summary>
    public RfcommSocketAddress LocalAddress { get; }

    /// <summary>The peer's address and channel (getpeername).</summary>
    public RfcommSocketAddress RemoteAddress { get; }

    /// <summary>The runtime socket. Do not dispose it separately.</summary>
    public Socket Socket => _socket.Socket;

    /// <summary>The native socket (for other socket options).</summary>
    public NativeSocket NativeSocket => _socket;

    /// <summary>BT_SECURITY of the link: the level and, once encrypted, the key size.</summary>
    public BtSecurity Security => RfcommSockets.GetSecurity(_socket);

    /// <summary>
    /// Connects to server channel <paramref name="channel"/> (1–30) of <paramref name="remote"/> from adapter
    /// <paramref name="local"/> (0: any). Throws <see cref="RfcommConnectionRefusedException"/> (nobody listens),
    /// <see cref="RfcommHostUnreachableException"/>, <see cref="RfcommTimeoutException"/>,
    /// <see cref="RfcommChannelBusyException"/> (this link already has a connection on that channel), or
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static async Task<RfcommStream> ConnectAsync(ulong local, ulong remote, byte channel, RfcommOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (channel is < 1 or > 30) throw new ArgumentOutOfRangeException(nameof(channel), "RFCOMM server channels are 1–30");
        options ??= RfcommOptions.Default;
        var s = RfcommSockets.Open(new RfcommSocketAddress(local, 0), options);
        string op = "connect to " + remote.ToString("X12", CultureInfo.InvariantCulture) + " channel " + channel.ToString(CultureInfo.InvariantCulture);
        try
        {
            int errno = await s.ConnectKeepingErrnoAsync(new RfcommSocketAddress(remote, channel), options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            if (errno != 0) throw RfcommException.For(op, errno, true);
            return FromConnected(s);
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw RfcommException.For(op, e.ErrorNumber, true, e);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Looks up <paramref name="serviceUuid"/> in the peer's SDP records (ServiceSearchAttribute, ProtocolDescriptorList)
    /// and connects to the RFCOMM channel of the first record that has one. No such record throws
    /// <see cref="RfcommServiceNotFoundException"/>.
    /// </summary>
    public static async Task<RfcommStream> ConnectAsync(ulong local, ulong remote, Guid serviceUuid, RfcommOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        byte channel = await FindChannelAsync(local, remote, serviceUuid, options?.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        return await ConnectAsync(local, remote, channel, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The RFCOMM channel the peer's SDP server lists for <paramref name="serviceUuid"/>.</summary>
    public static async Task<byte> FindChannelAsync(ulong local, ulong remote, Guid serviceUuid, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await using var sdp = await SdpClient.ConnectAsync(local, remote, timeout, cancellationToken).ConfigureAwait(false);
        var records = await sdp.ServiceSearchAttributeAsync([serviceUuid],
            [SdpAttributeRange.Single(SdpAttributeId.ServiceRecordHandle), SdpAttributeRange.Single(SdpAttributeId.ProtocolDescriptorList)],
            cancellationToken).ConfigureAwait(false);
        foreach (var r in records)
            if (r.RfcommChannel is { } ch and >= 1 and <= 30) return ch;
        throw new RfcommServiceNotFoundException(serviceUuid, remote);
    }

    internal static RfcommStream FromConnected(NativeSocket socket)
    {
        try
        {
            return new RfcommStream(socket, RfcommSocketAddress.Read(socket.GetLocalAddress()), RfcommSocketAddress.Read(socket.GetPeerAddress()));
        }
        catch (NativeSocketException e)
        {
            throw RfcommException.For(e.Operation, e.ErrorNumber, false, e);
        }
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Reads available bytes (at least 1), or 0 once the peer has closed the channel (and everything it sent was read).
    /// A lost link throws <see cref="RfcommLinkLostException"/>, also to a read that was pending when a write saw it.
    /// </summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _endErrno) != 0) return ReadAfterEnd(buffer);
        using var linked = Link(cancellationToken, out var token);
        try
        {
            return await _socket.Socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _endErrno) != 0)
        {
            return ReadAfterEnd(buffer);
        }
        catch (SocketException e)
        {
            End(e.NativeErrorCode);
            return ReadAfterEnd(buffer);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _closed) != 0)
        {
            throw new ObjectDisposedException(nameof(RfcommStream));
        }
    }

    /// <summary>After the end: data the kernel still holds, then 0 (the peer's DISC: ECONNRESET) or the typed failure.</summary>
    private int ReadAfterEnd(Memory<byte> buffer)
    {
        int errno = Volatile.Read(ref _endErrno);
        try
        {
            if (!buffer.IsEmpty && _socket.Socket.Available > 0) return _socket.Socket.Receive(buffer.Span, SocketFlags.None);
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) when (Volatile.Read(ref _closed) != 0)
        {
            throw new ObjectDisposedException(nameof(RfcommStream));
        }
        if (errno == Errno.ECONNRESET) return 0; // rfcomm_recv_disc: the peer closed the DLC
        throw RfcommException.For("receive", errno, false);
    }

    /// <summary>Records the first end of the DLC and wakes every other pending read or write.</summary>
    private void End(int errno)
    {
        if (Interlocked.CompareExchange(ref _endErrno, errno == 0 ? Errno.ECONNRESET : errno, 0) != 0) return;
        try { _ended.Cancel(); }
        catch (ObjectDisposedException) { } // the stream was disposed meanwhile: nobody left to wake
    }

    /// <summary>The caller's token joined with <see cref="_ended"/> (no allocation when the caller passes none).</summary>
    private CancellationTokenSource? Link(CancellationToken cancellationToken, out CancellationToken token)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            token = _ended.Token;
            return null;
        }
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _ended.Token);
        token = linked.Token;
        return linked;
    }

    /// <summary>
    /// Smallest piece handed to one send(2). Linux 6.1 allocates all frames of a send at once and, on a non-blocking
    /// socket, frees them all with EAGAIN when the send buffer cannot hold them; writability is signalled once half the
    /// buffer is free, so a send bigger than that never fits and the writer spins without progress (seen in the lab
    /// with 64 KiB writes: nothing arrived in 120 s). Each frame of up to ~1 KiB payload costs a 2–3 KiB skb (truesize),
    /// so a piece of an eighth of SO_SNDBUF always fits into the half that wakes a writer.
    /// </summary>
    internal const int SendPiece = 4096;

    private int _sendPiece;

    /// <summary>Bytes per send(2): an eighth of the socket's SO_SNDBUF (read once), at least <see cref="SendPiece"/>.</summary>
    private int SendPieceSize()
    {
        int p = _sendPiece;
        if (p == 0)
        {
            try { p = Math.Max(SendPiece, _socket.Socket.SendBufferSize / 8); }
            catch (SocketException) { p = SendPiece; }
            _sendPiece = p;
        }
        return p;
    }

    /// <summary>Writes all of <paramref name="buffer"/> (the kernel splits it into RFCOMM frames of the negotiated size).</summary>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _endErrno) is int ended and not 0) throw RfcommException.For("send", ended, false);
        using var linked = Link(cancellationToken, out var token);
        try
        {
            int piece = SendPieceSize();
            while (!buffer.IsEmpty)
            {
                int n = await _socket.Socket.SendAsync(buffer[..Math.Min(buffer.Length, piece)], SocketFlags.None, token).ConfigureAwait(false);
                buffer = buffer[n..];
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && Volatile.Read(ref _endErrno) != 0)
        {
            throw RfcommException.For("send", Volatile.Read(ref _endErrno), false);
        }
        catch (SocketException e)
        {
            End(e.NativeErrorCode);
            throw RfcommException.For("send", e.NativeErrorCode, false, e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Nothing to flush: every write has been handed to the kernel when it completes.</summary>
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// Graceful close: SO_LINGER with <paramref name="timeout"/> (default 10 s), then shutdown(SHUT_RDWR), which returns
    /// once the peer acknowledged the DISC sent after all queued data (or the linger time ran out); then releases the socket.
    /// The kernel drops the DLC at that acknowledgement, so the same channel can be connected again at once (before it,
    /// a connect fails with <see cref="RfcommChannelBusyException"/>).
    /// </summary>
    public async Task CloseAsync(TimeSpan? timeout = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try
        {
            int seconds = (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds);
            _socket.Socket.LingerState = new LingerOption(true, Math.Max(1, seconds));
            // rfcomm_sock_shutdown sleeps in the kernel while lingering: keep that off the caller's thread.
            await Task.Run(() => _socket.Socket.Shutdown(SocketShutdown.Both)).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // Already closed by the peer or the link: nothing left to deliver.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    /// <summary>Abortive close: releases the socket at once without waiting for the peer (queued data may be lost).</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.Socket.LingerState = new LingerOption(true, 0); }
        catch (SocketException) { }
        _socket.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0) _socket.Dispose();
        if (disposing) _ended.Dispose();
        base.Dispose(disposing);
    }
}
