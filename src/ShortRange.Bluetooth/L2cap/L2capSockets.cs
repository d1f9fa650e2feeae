using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// L2CAP (BTPROTO_L2CAP) client and server sockets, BR/EDR by PSM or LE credit-based by LE PSM (address type LE),
/// SOCK_SEQPACKET or SOCK_STREAM. Built on <see cref="NativeSocket"/>: connect and accept are async on the runtime's
/// epoll engine (no thread blocks) and the result is a runtime <see cref="Socket"/> for async send/receive.
/// </summary>
/// <remarks>
/// Closing a socket sends the L2CAP Disconnection Request at once; the kernel schedules that signalling packet ahead of
/// ACL data still queued for the controller, so data sent just before closing can be lost on the air (seen in the lab:
/// the peer read EOF 2.5 KB short). A protocol that must deliver everything lets the receiver close first, or waits for
/// the peer's EOF (a zero-length read) before disposing.
/// </remarks>
public static class L2capSockets
{
    internal static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    internal static NativeSocket Open(L2capSocketAddress local, bool stream)
    {
        NativeSocket s;
        try
        {
            s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, stream ? SocketType.Stream : SocketType.Seqpacket, BTPROTO_L2CAP);
        }
        catch (NativeSocketException e)
        {
            throw L2capException.For("socket", e.ErrorNumber, e);
        }
        try
        {
            s.Bind(local);
            return s;
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw L2capException.For("bind", e.ErrorNumber, e);
        }
    }

    /// <summary>
    /// Connects to <paramref name="remote"/> without blocking a thread. Refused, unreachable and timed-out attempts throw
    /// <see cref="L2capConnectionRefusedException"/>, <see cref="L2capHostUnreachableException"/> and
    /// <see cref="L2capTimeoutException"/> (also when <paramref name="timeout"/>, default 30 s, elapses); cancellation throws
    /// <see cref="OperationCanceledException"/>. <paramref name="configure"/> may set socket options (security, MTU) before connect.
    /// </summary>
    public static async Task<Socket> ConnectAsync(L2capSocketAddress local, L2capSocketAddress remote, bool stream = false,
        TimeSpan? timeout = null, Action<NativeSocket>? configure = null, CancellationToken ct = default)
    {
        var s = Open(local, stream);
        try
        {
            configure?.Invoke(s);
            await s.ConnectAsync(remote, timeout ?? DefaultConnectTimeout, ct).ConfigureAwait(false);
            return s.Socket;
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw L2capException.For(ConnectOperation(remote), e.ErrorNumber, e);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    internal static string ConnectOperation(L2capSocketAddress remote) =>
        "connect to " + remote.Address.ToString("X12", CultureInfo.InvariantCulture) + " psm 0x" + remote.Psm.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>A listening L2CAP socket bound to <paramref name="local"/> (PSM and address type select BR/EDR or LE).</summary>
    public static L2capListener Listen(L2capSocketAddress local, bool stream = false, int backlog = 4, Action<NativeSocket>? configure = null)
    {
        var s = Open(local, stream);
        try
        {
            configure?.Invoke(s);
            s.Listen(backlog);
            return new L2capListener(s);
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw L2capException.For("listen", e.ErrorNumber, e);
        }
    }

    /// <summary>A listening socket. Dispose stops it; a pending accept then fails.</summary>
    public sealed class L2capListener : IDisposable
    {
        private readonly NativeSocket _socket;

        internal L2capListener(NativeSocket socket) => _socket = socket;

        /// <summary>Accepts one connection (async on epoll, cancellable).</summary>
        public async Task<Socket> AcceptAsync(CancellationToken ct = default)
        {
            try
            {
                var accepted = await _socket.AcceptAsync(ct).ConfigureAwait(false);
                return accepted.Socket;
            }
            catch (NativeSocketException e)
            {
                throw L2capException.For("accept", e.ErrorNumber, e);
            }
        }

        /// <summary>The accept loop: yields each incoming connection until cancelled or disposed.</summary>
        public async IAsyncEnumerable<Socket> AcceptAllAsync([EnumeratorCancellation] CancellationToken ct = default)
        {
            while (!ct.IsCancellationRequested)
                yield return await AcceptAsync(ct).ConfigureAwait(false);
        }

        /// <summary>The listening socket (for options such as BT_SECURITY).</summary>
        public NativeSocket Socket => _socket;

        public void Dispose() => _socket.Dispose();
    }
}
