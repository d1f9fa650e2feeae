using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// An SDP server on L2CAP PSM 1 publishing the records of a <see cref="SdpDatabase"/>, for hosts where bluetoothd does
/// not run (with bluetoothd, publish through it instead). <see cref="Start"/> throws <see cref="SdpServerBusyException"/>
/// when PSM 1 is taken. Each client channel is served until it closes or the server is disposed.
/// </summary>
public sealed class SdpServer : IAsyncDisposable
{
    private readonly L2capChannelListener _listener;
    private readonly SdpDatabase _database;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<L2capChannel> _channels = [];

    private SdpServer(L2capChannelListener listener, SdpDatabase database, ILogger logger)
    {
        _listener = listener;
        _database = database;
        _logger = logger;
        _acceptLoop = AcceptLoopAsync();
    }

    public SdpDatabase Database => _database;

    /// <summary>Listens on PSM 1 of adapter <paramref name="local"/> (0: every adapter).</summary>
    public static SdpServer Start(SdpDatabase database, ulong local = 0, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        L2capChannelListener listener;
        try
        {
            listener = L2capChannel.Listen(new L2capSocketAddress(L2CAP_PSM_SDP, local));
        }
        catch (L2capException e) when (e.Errno == Errno.EADDRINUSE)
        {
            throw new SdpServerBusyException(e);
        }
        return new SdpServer(listener, database, logger ?? NullLogger.Instance);
    }

    private async Task AcceptLoopAsync()
    {
        var serving = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var ch = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                lock (_channels) _channels.Add(ch);
                serving.RemoveAll(t => t.IsCompleted);
                serving.Add(ServeAsync(ch));
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or L2capException or ObjectDisposedException)
        {
        }
        await Task.WhenAll(serving).ConfigureAwait(false);
    }

    private async Task ServeAsync(L2capChannel ch)
    {
        try
        {
            var buffer = new byte[Math.Max((int)ch.ReceiveMtu, 48)];
            int sendMtu = ch.SendMtu;
            while (true)
            {
                int n = await ch.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (n == 0) break;
                await ch.SendAsync(_database.Handle(buffer.AsSpan(0, n), sendMtu), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or L2capException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "SDP client channel ended");
        }
        finally
        {
            lock (_channels) _channels.Remove(ch);
            ch.Dispose();
        }
    }

    /// <summary>Stops listening and closes every client channel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
