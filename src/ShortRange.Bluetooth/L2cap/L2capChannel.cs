using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// A connected L2CAP channel (BR/EDR by PSM, or LE credit-based when bound with an LE address type), SOCK_SEQPACKET
/// (one SDU per send/receive) or SOCK_STREAM. Send and receive are async on the runtime's epoll engine and cancellable;
/// <see cref="SecurityLevel"/>, <see cref="ReceiveMtu"/> and <see cref="SendMtu"/> read what the kernel reports.
/// </summary>
/// <remarks>
/// Closing sends the L2CAP Disconnection Request ahead of data still queued for the controller, so the side that sends
/// last should wait for the peer to close (a zero-length receive) before disposing (see <see cref="L2capSockets"/>).
/// On SEQPACKET channels a receive buffer shorter than the SDU truncates it: use at least <see cref="ReceiveMtu"/> bytes.
/// BR/EDR basic mode has no flow control: SDUs that arrive while the socket's receive buffer is full are dropped.
/// Dispose promptly once the peer has disconnected: Debian's Linux 6.1 (6.1.192) crashed in the lab (list_del corruption
/// in hci_chan_del from l2cap_sock_release) when an L2CAP socket was closed after its ACL link had already gone down.
/// </remarks>
public sealed class L2capChannel : IDisposable, IAsyncDisposable
{
    private readonly NativeSocket _socket;

    // For STREAM channels: the kernel refuses one write larger than the send MTU (EMSGSIZE) even on SOCK_STREAM,
    // so SendAsync splits into pieces of this size. 0 on SEQPACKET channels, where one send is one SDU.
    private readonly int _streamPiece;

    private L2capChannel(NativeSocket socket, L2capSocketAddress local, L2capSocketAddress remote)
    {
        _socket = socket;
        LocalAddress = local;
        RemoteAddress = remote;
        if (IsStream) _streamPiece = SendMtu;
    }

    /// <summary>This side's address as the kernel reports it (getsockname): BD_ADDR, address type, PSM, CID.</summary>
    public L2capSocketAddress LocalAddress { get; }

    /// <summary>The peer's address as the kernel reports it (getpeername).</summary>
    public L2capSocketAddress RemoteAddress { get; }

    /// <summary>True for an LE credit-based channel (LE address type), false for BR/EDR.</summary>
    public bool IsLowEnergy => LocalAddress.AddressType != BDADDR_BREDR;

    /// <summary>True for SOCK_STREAM, false for SOCK_SEQPACKET.</summary>
    public bool IsStream => _socket.SocketType == (int)System.Net.Sockets.SocketType.Stream;

    /// <summary>The runtime socket (for APIs that take a Socket). Do not dispose it separately.</summary>
    public Socket Socket => _socket.Socket;

    /// <summary>The native socket (for other socket options).</summary>
    public NativeSocket NativeSocket => _socket;

    /// <summary>BT_SECURITY: the level (see <see cref="SecurityLevel"/>) and, once the link is encrypted, the key size.</summary>
    public BtSecurity Security => L2capSocketOptions.GetSecurity(_socket);

    /// <summary>
    /// BT_SECURITY level. Before connect the kernel reports the channel's required level; once connected it reports the
    /// link's actual level (an unencrypted BR/EDR link reports Sdp). Setting it on a connected channel asks the kernel
    /// to raise the link's security.
    /// </summary>
    public L2capSecurityLevel SecurityLevel
    {
        get => Security.Level;
        set => L2capSocketOptions.SetSecurity(_socket, value);
    }

    /// <summary>The largest SDU this side accepts (BT_RCVMTU on LE, l2cap_options.imtu on BR/EDR).</summary>
    public ushort ReceiveMtu => L2capSocketOptions.GetReceiveMtu(_socket, IsLowEnergy);

    /// <summary>The largest SDU the peer accepts, i.e. one send (BT_SNDMTU on LE, l2cap_options.omtu on BR/EDR).</summary>
    public ushort SendMtu => L2capSocketOptions.GetSendMtu(_socket, IsLowEnergy);

    /// <summary>
    /// Opens a socket bound to <paramref name="local"/> (its address type selects LE or BR/EDR), applies
    /// <paramref name="options"/> and connects to <paramref name="remote"/> without blocking a thread. Refused, unreachable
    /// and timed-out attempts throw <see cref="L2capConnectionRefusedException"/>, <see cref="L2capHostUnreachableException"/>
    /// and <see cref="L2capTimeoutException"/> (also when <paramref name="timeout"/>, default 30 s, elapses); cancellation
    /// throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<L2capChannel> ConnectAsync(L2capSocketAddress local, L2capSocketAddress remote, L2capOptions? options = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        options ??= L2capOptions.Default;
        var s = L2capSockets.Open(local, options.Stream);
        try
        {
            L2capSocketOptions.Apply(s, local.AddressType != BDADDR_BREDR, options);
            await s.ConnectAsync(remote, timeout ?? L2capSockets.DefaultConnectTimeout, cancellationToken).ConfigureAwait(false);
            return FromConnected(s);
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw L2capException.For(L2capSockets.ConnectOperation(remote), e.ErrorNumber, e);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>A listener bound to <paramref name="local"/> (PSM and address type select BR/EDR or LE); accepted channels inherit <paramref name="options"/>.</summary>
    public static L2capChannelListener Listen(L2capSocketAddress local, L2capOptions? options = null, int backlog = 4)
    {
        options ??= L2capOptions.Default;
        var s = L2capSockets.Open(local, options.Stream);
        try
        {
            L2capSocketOptions.Apply(s, local.AddressType != BDADDR_BREDR, options);
            s.Listen(backlog);
            return new L2capChannelListener(s, local);
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw L2capException.For("listen", e.ErrorNumber, e);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a connected socket, reading both addresses from the kernel.</summary>
    internal static L2capChannel FromConnected(NativeSocket socket)
    {
        try
        {
            return new L2capChannel(socket, L2capSocketAddress.Read(socket.GetLocalAddress()), L2capSocketAddress.Read(socket.GetPeerAddress()));
        }
        catch (NativeSocketException e)
        {
            throw L2capException.For(e.Operation, e.ErrorNumber, e);
        }
    }

    /// <summary>
    /// SEQPACKET: sends one SDU of at most <see cref="SendMtu"/> bytes (larger throws <see cref="L2capException"/> with EMSGSIZE).
    /// STREAM: sends all of <paramref name="data"/>, in pieces of at most <see cref="SendMtu"/> bytes. Returns the count sent.
    /// </summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _streamPiece > 0 && data.Length > _streamPiece ? SendPiecesAsync(data, cancellationToken) : SendOnceAsync(data, cancellationToken);

    private async ValueTask<int> SendPiecesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        int sent = 0;
        while (sent < data.Length)
            sent += await SendOnceAsync(data.Slice(sent, Math.Min(_streamPiece, data.Length - sent)), cancellationToken).ConfigureAwait(false);
        return sent;
    }

    // Hot path of a bulk sender: the runtime tries send(2) at once and returns a completed ValueTask when the socket
    // buffer had room, so only a send that must wait for writability pays for an async state machine here.
    private ValueTask<int> SendOnceAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ValueTask<int> pending;
        try
        {
            pending = _socket.Socket.SendAsync(data, SocketFlags.None, cancellationToken);
        }
        catch (SocketException e)
        {
            return ValueTask.FromException<int>(L2capException.For("send", e.NativeErrorCode, e));
        }
        if (!pending.IsCompletedSuccessfully) return AwaitSendAsync(pending);
        // Reading Result consumes the ValueTask: a send that completed asynchronously just before the check is backed by
        // the socket's reusable event args, so handing `pending` on to be awaited a second time is the "Operation is not
        // valid due to the current state of the object" of CI run t4 (seed 148818724). Return a fresh one.
        int sent = pending.Result;
        BluetoothMetrics.L2capBytesSent.Add(sent);
        return new ValueTask<int>(sent);
    }

    private static async ValueTask<int> AwaitSendAsync(ValueTask<int> pending)
    {
        try
        {
            int sent = await pending.ConfigureAwait(false);
            BluetoothMetrics.L2capBytesSent.Add(sent);
            return sent;
        }
        catch (SocketException e)
        {
            throw L2capException.For("send", e.NativeErrorCode, e);
        }
    }

    /// <summary>
    /// Receives one SDU (SEQPACKET) or available bytes (STREAM); 0 means the peer closed the channel. L2CAP has no
    /// half-close: the peer's Disconnection Request is the normal end, which the kernel reports as EOF on SEQPACKET but
    /// as ECONNRESET on STREAM sockets; both are returned as 0 here.
    /// </summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            int n = await _socket.Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            BluetoothMetrics.L2capBytesReceived.Add(n);
            return n;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
        catch (SocketException e)
        {
            throw L2capException.For("receive", e.NativeErrorCode, e);
        }
    }

    /// <summary>Closes the channel (L2CAP Disconnection Request); pending operations fail.</summary>
    public void Dispose() => _socket.Dispose();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
