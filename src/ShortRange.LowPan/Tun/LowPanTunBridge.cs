using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.Transport;

namespace ShortRange.LowPan.Tun;

/// <summary>
/// A user-space LoWPAN interface: IPv6 packets the host routes to the TUN device are compressed, fragmented and sent
/// as 802.15.4 frames; frames heard are reassembled, decompressed and injected into the host stack. Neighbor
/// Solicitations for our addresses are answered here (a TUN device has no link-layer address to advertise).
/// Start with <see cref="Start"/>; <see cref="DisposeAsync"/> stops both loops and closes the TUN device.
/// </summary>
public sealed partial class LowPanTunBridge : IAsyncDisposable
{
    private readonly TunDevice _tun;
    private readonly LowPanLink _link;
    private readonly IFrameTransport _transport;
    private readonly ILogger _logger;
    // LowPanLink is single-threaded: the TUN loop (send) and the radio loop (receive, which may send an NA)
    // and the reassembly timer all go through this lock.
    private readonly Lock _linkLock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _txLoop, _rxLoop;
    private ITimer? _expiry;

    public LowPanTunBridge(TunDevice tun, LowPanLink link, IFrameTransport transport, ILogger? logger = null)
    {
        _tun = tun;
        _link = link;
        _transport = transport;
        _logger = logger ?? NullLogger.Instance;
        _link.Dropped += (reason, detail) => LogDrop(reason.ToString(), detail);
    }

    public LowPanLink Link => _link;
    public TunDevice Tun => _tun;
    public long PacketsToRadio { get; private set; }
    public long PacketsToHost { get; private set; }

    /// <summary>Assigns the link-local address (and any <see cref="LowPanLinkOptions.Addresses"/>) to the TUN device and starts both loops.</summary>
    public void Start(TimeProvider? timeProvider = null)
    {
        if (_txLoop is not null) throw new InvalidOperationException("Already started.");
        _tun.AddAddress(_link.LinkLocalAddress, 64);
        foreach (var a in _link.Options.Addresses) _tun.AddAddress(a, 64);
        _txLoop = Task.Factory.StartNew(TunToRadio, TaskCreationOptions.LongRunning);
        _rxLoop = Task.Run(RadioToTunAsync);
        _expiry = (timeProvider ?? TimeProvider.System).CreateTimer(_ =>
        {
            lock (_linkLock) _link.ExpireReassemblies();
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void TunToRadio()
    {
        var buffer = new byte[2048];
        var frames = new List<byte[]>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                int n = _tun.Read(buffer, 200);
                if (n == 0) continue;
                if ((buffer[0] >> 4) != 6 || n < 40) continue; // IPv4 or junk from the host: not for a 6LoWPAN link
                frames.Clear();
                lock (_linkLock) _link.Send(buffer.AsSpan(0, n), f => frames.Add(f.ToArray()));
                foreach (var f in frames) _transport.SendAsync(f, _stop.Token).AsTask().GetAwaiter().GetResult();
                PacketsToRadio++;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogLoopError("tun→radio", e);
            }
        }
    }

    private async Task RadioToTunAsync()
    {
        var buffer = new byte[256];
        var replies = new List<byte[]>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                int n = await _transport.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                replies.Clear();
                byte[]? packet;
                lock (_linkLock) packet = _link.Receive(buffer.AsSpan(0, n), f => replies.Add(f.ToArray()));
                foreach (var r in replies) await _transport.SendAsync(r, _stop.Token).ConfigureAwait(false);
                if (packet is null) continue;
                _tun.Write(packet);
                PacketsToHost++;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                break;
            }
            catch (Exception e)
            {
                LogLoopError("radio→tun", e);
                // A persistently failing transport must not spin a core.
                try { await Task.Delay(100, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _expiry?.Dispose();
        if (_txLoop is not null) await _txLoop.ConfigureAwait(false);
        if (_rxLoop is not null) await _rxLoop.ConfigureAwait(false);
        _tun.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "6LoWPAN drop ({Reason}): {Detail}")]
    private partial void LogDrop(string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "6LoWPAN bridge loop {Loop} error")]
    private partial void LogLoopError(string loop, Exception e);
}
