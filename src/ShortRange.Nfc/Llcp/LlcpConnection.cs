using System.Net.Sockets;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Sockets;
using static ShortRange.Linux.Sockets.NfcSocketConstants;

namespace ShortRange.Nfc.Llcp;

/// <summary>
/// A connection-oriented LLCP socket (AF_NFC, NFC_SOCKPROTO_LLCP, SOCK_STREAM; net/nfc/llcp_sock.c): connect by service
/// name or SAP with <see cref="ConnectAsync(uint, uint, string, TimeSpan?, CancellationToken)"/>, or accept one from
/// <see cref="LlcpListener"/>. I/O is async on the runtime's epoll engine. Failures are <see cref="NfcSocketException"/>.
/// When the connection ends, <see cref="ReceiveAsync"/> returns 0 whatever the cause; where an end is an error
/// (<see cref="ReceiveExactlyAsync"/>, <see cref="SendAsync"/>) the connection asks the kernel whether the DEP link is
/// still up and throws <see cref="NfcLinkLostException"/> when it went down, ENOTCONN when only the peer closed.
/// </summary>
public sealed class LlcpConnection : ILlcpConnection
{
    private readonly NativeSocket _socket;
    private readonly uint _deviceIndex;
    private readonly string _context;

    internal LlcpConnection(NativeSocket socket, uint deviceIndex, string context)
    {
        _socket = socket;
        _deviceIndex = deviceIndex;
        _context = context;
    }

    /// <summary>
    /// Connects from device <paramref name="deviceIndex"/> to <paramref name="serviceName"/> on the peer. On the initiator
    /// side <paramref name="targetIndex"/> must be the DEP target's index; on the target side it is ignored.
    /// </summary>
    public static Task<LlcpConnection> ConnectAsync(uint deviceIndex, uint targetIndex, string serviceName, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        return ConnectAsync(new NfcLlcpSocketAddress(deviceIndex, targetIndex, NFC_PROTO_NFC_DEP, 0, 0, serviceName),
            $"'{serviceName}' via {NfcNetlinkCodec.DeviceName(deviceIndex)}", timeout, cancellationToken);
    }

    /// <summary>Connects to a peer SAP (2–63) without a service name.</summary>
    public static Task<LlcpConnection> ConnectAsync(uint deviceIndex, uint targetIndex, byte sap, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        if (sap is < 2 or > 63) throw new ArgumentOutOfRangeException(nameof(sap), "LLCP SAPs are 2–63 (0 and 1 are link management and SDP)");
        return ConnectAsync(new NfcLlcpSocketAddress(deviceIndex, targetIndex, NFC_PROTO_NFC_DEP, sap, 0, ""),
            $"SAP {sap} via {NfcNetlinkCodec.DeviceName(deviceIndex)}", timeout, cancellationToken);
    }

    private static async Task<LlcpConnection> ConnectAsync(NfcLlcpSocketAddress address, string context, TimeSpan? timeout, CancellationToken ct)
    {
        var s = NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Stream, NFC_SOCKPROTO_LLCP);
        try
        {
            // connect(2) directly: the runtime's ConnectAsync would turn ENOLINK/ENXIO into an unknown socket error.
            int rc = s.TryConnect(address);
            if (rc == Errno.EINPROGRESS) await WaitConnectedAsync(s, address.DeviceIndex, context, timeout ?? TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
            else if (rc != 0) throw NfcSocketErrors.From("connect", rc, context);
            return new LlcpConnection(s, address.DeviceIndex, context);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The kernel completes a non-blocking LLCP connect when the peer's CC arrives (the socket becomes writable) or its DM
    /// (sk_err = ENXIO, state closed). That takes a few link turnarounds, so short non-blocking poll(2) checks with a
    /// growing delay (2–50 ms) are cheap, and reading SO_ERROR ourselves keeps the kernel's errno. A link that goes down
    /// meanwhile leaves the socket connecting forever (6.1 releases only connected and listening sockets), so every second
    /// the DEP link is checked too.
    /// </summary>
    private static async Task WaitConnectedAsync(NativeSocket s, uint deviceIndex, string context, TimeSpan timeout, CancellationToken ct)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        long nextLinkCheck = Environment.TickCount64 + 1000;
        int delay = 2;
        while (true)
        {
            if (Environment.TickCount64 >= nextLinkCheck)
            {
                if (await LinkIsUpAsync(deviceIndex).ConfigureAwait(false) == false) throw new NfcLinkLostException("connect", deviceIndex, context);
                nextLinkCheck = Environment.TickCount64 + 1000;
            }
            bool writable = s.Socket.Poll(0, SelectMode.SelectWrite);
            bool ended = !writable && (s.Socket.Poll(0, SelectMode.SelectError) || s.Socket.Poll(0, SelectMode.SelectRead));
            if (writable || ended)
            {
                int err = s.TakeSocketError();
                if (err != 0) throw NfcSocketErrors.From("connect", err, context);
                if (writable) return;
                throw NfcSocketErrors.From("connect", Errno.ENOTCONN, context); // closed without an error: the DEP link went down
            }
            if (Environment.TickCount64 > deadline) throw NfcSocketErrors.From("connect", Errno.ETIMEDOUT, context);
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>How long <see cref="SendAsync"/> keeps retrying while the peer acknowledges nothing (default 30 s).</summary>
    public TimeSpan SendStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The local and remote SAPs and service name (getsockname).</summary>
    public NfcLlcpSocketAddress LocalAddress => NfcLlcpSocketAddress.Read(_socket.GetLocalAddress());

    /// <summary>The peer's MIU for this connection (NFC_LLCP_REMOTE_MIU).</summary>
    public int RemoteMiu => _socket.GetOptionInt32(SOL_NFC, NFC_LLCP_REMOTE_MIU);

    /// <summary>The peer's receive window (NFC_LLCP_REMOTE_RW).</summary>
    public int RemoteReceiveWindow => _socket.GetOptionInt32(SOL_NFC, NFC_LLCP_REMOTE_RW);

    /// <summary>
    /// Sends all of <paramref name="data"/>. The kernel queues a whole send at once but refuses a new one with ENOBUFS
    /// while the peer has not acknowledged earlier I PDUs (nfc_llcp_send_i_frame), so data goes in chunks of one receive
    /// window (MIU × RW) and ENOBUFS is retried with a short back-off, bounded by <see cref="SendStallTimeout"/>.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        int chunk;
        try
        {
            chunk = Math.Clamp(RemoteMiu * Math.Max(1, RemoteReceiveWindow), LlcpServiceNames.DefaultMiu, 16 * 1024);
        }
        catch (NativeSocketException e)
        {
            throw NfcSocketErrors.From("send", e, _context);
        }
        while (!data.IsEmpty)
        {
            var piece = data[..Math.Min(chunk, data.Length)];
            long stalledSince = Environment.TickCount64;
            int delay = 1;
            while (true)
            {
                try
                {
                    int sent = await _socket.Socket.SendAsync(piece, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    NfcMetrics.LlcpBytesSent.Add(sent);
                    data = data[sent..];
                    break;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
                {
                    if (Environment.TickCount64 - stalledSince > (long)SendStallTimeout.TotalMilliseconds)
                        throw NfcSocketErrors.From("send", Errno.ETIMEDOUT, $"{_context} (the peer acknowledged nothing for {SendStallTimeout.TotalSeconds:0} s)", e);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = Math.Min(delay * 2, 16);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.NotConnected or SocketError.Shutdown or SocketError.ConnectionReset)
                {
                    throw await ClosedAsync("send", e).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    throw NfcSocketErrors.From("send", e, _context);
                }
            }
        }
    }

    /// <summary>Receives up to <paramref name="buffer"/>.Length bytes (at most one I PDU's worth); 0 when the connection closed.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            int n = await _socket.Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            NfcMetrics.LlcpBytesReceived.Add(n);
            return n;
        }
        catch (SocketException e)
        {
            throw NfcSocketErrors.From("receive", e, _context);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> completely; <see cref="NfcSocketException"/> (ENOTCONN) if the connection closes first.</summary>
    public async ValueTask ReceiveExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int n = await ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw await ClosedAsync("receive", null).ConfigureAwait(false);
            buffer = buffer[n..];
        }
    }

    /// <summary>
    /// The connection is closed: <see cref="NfcLinkLostException"/> when the device's DEP link is down (the kernel sets the
    /// RF mode to none before it closes the link's sockets, so the answer is settled by the time the socket reports the
    /// end) or the device is gone; otherwise the peer closed it (ENOTCONN).
    /// </summary>
    private async Task<NfcSocketException> ClosedAsync(string operation, Exception? inner) =>
        await LinkIsUpAsync(_deviceIndex).ConfigureAwait(false) switch
        {
            false => new NfcLinkLostException(operation, _deviceIndex, _context, inner),
            true => NfcSocketErrors.From(operation, Errno.ENOTCONN, _context, inner),
            null => NfcSocketErrors.From(operation, Errno.ENOTCONN, $"{_context} (the DEP link state could not be read)", inner),
        };

    /// <summary>Whether the device has an RF link (NFC_ATTR_RF_MODE not none); false when the device is gone; null when unknown.</summary>
    private static async Task<bool?> LinkIsUpAsync(uint deviceIndex)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var client = await NfcNetlinkClient.OpenAsync(null, cts.Token).ConfigureAwait(false);
            return (await client.GetDeviceAsync(deviceIndex, cts.Token).ConfigureAwait(false)).RfMode != NfcRfMode.None;
        }
        catch (NetlinkException e) when (e.ErrorNumber == Errno.ENODEV)
        {
            return false; // the device itself is gone
        }
        catch (Exception e) when (e is ShortRange.Errors.ShortRangeException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Closes the socket (the kernel sends DISC when connected).</summary>
    public void Dispose() => _socket.Dispose();

    public override string ToString() => $"LLCP connection {_context}";
}
