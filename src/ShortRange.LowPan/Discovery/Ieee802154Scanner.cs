using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.LowPan.Adapters;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Transport;

namespace ShortRange.LowPan.Discovery;

/// <summary>
/// Passive 802.15.4 discovery: listens on wpan interfaces (AF_PACKET, ETH_P_IEEE802154) and reports the source of
/// every parseable frame (beacons, data incl. RS/NS/NA/RA, MAC commands) as a sighting. Cold: subscribing opens the
/// sockets, disposing closes them. Fails with <see cref="StackUnavailableException"/> when there is no wpan interface.
/// Each sighting's <see cref="DeviceSighting.Timestamp"/> is when the frame was read; the discovery core keeps the
/// latest as the device's last-seen time.
/// </summary>
/// <remarks>
/// <see cref="DeviceSighting.Signal"/> stays null: the LQI mac802154 records for each received frame
/// (<c>mac_cb(skb)-&gt;lqi</c>, set by the driver through ieee802154_rx_irqsafe; mac802154_hwsim reports each edge's
/// configured LQI, 0xff by default) never reaches an AF_PACKET socket — packet_rcv overwrites skb-&gt;cb with its own
/// sockaddr_ll and PACKET_AUXDATA carries only status, lengths, offsets and VLAN fields (include/uapi/linux/if_packet.h).
/// The kernel hands LQI to user space in exactly one place: recvmsg on an AF_IEEE802154 SOCK_DGRAM socket with
/// setsockopt(SOL_IEEE802154, WPAN_WANTLQI, 1), as a one-byte WPAN_WANTLQI control message (net/ieee802154/socket.c,
/// dgram_recvmsg). Those sockets only see the payload of data frames that passed the MAC's address filter (to us or
/// broadcast), not beacons or MAC commands; this scanner does not open one.
/// </remarks>
public sealed partial class Ieee802154Scanner : IDeviceScanner
{
    private readonly LowPanOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, IFrameTransport> _open;

    public Ieee802154Scanner(IOptions<LowPanOptions> options, ILogger<Ieee802154Scanner>? logger = null, TimeProvider? timeProvider = null)
        : this(options.Value, name => PacketFrameTransport.Open(name), logger, timeProvider)
    {
    }

    internal Ieee802154Scanner(LowPanOptions options, Func<string, IFrameTransport> open, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _options = options;
        _open = open;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    public Technology Technology => Technology.Ieee802154;

    /// <summary>Counts frames the scanner could not parse (by reason).</summary>
    public DropCounters Drops { get; } = new();

    public IObservable<DeviceSighting> Scan() => Observable.Create<DeviceSighting>(observer =>
    {
        var names = _options.Interfaces.Count > 0
            ? [.. _options.Interfaces]
            : WpanInterface.List(_options.SysClassNet).Where(w => w.HardwareType == WpanInterface.ARPHRD_IEEE802154).Select(w => w.Name).ToList();
        if (names.Count == 0)
        {
            observer.OnError(new StackUnavailableException(Technology.Ieee802154,
                "No IEEE 802.15.4 (wpan) interface: attach a radio or load mac802154_hwsim."));
            return Disposable.Empty;
        }
        var cts = new CancellationTokenSource();
        var transports = new List<IFrameTransport>();
        try
        {
            foreach (var name in names) transports.Add(_open(name));
        }
        catch (LowPanSystemException e)
        {
            foreach (var t in transports) t.DisposeAsync().AsTask().GetAwaiter().GetResult();
            observer.OnError(e);
            return Disposable.Empty;
        }
        var gate = new object();
        var loops = names.Zip(transports, (name, t) => Task.Run(() => ListenAsync(name, t, s => { lock (gate) observer.OnNext(s); }, cts.Token))).ToArray();
        return Disposable.Create(() =>
        {
            cts.Cancel();
            foreach (var t in transports) t.DisposeAsync().AsTask().GetAwaiter().GetResult();
            try { Task.WaitAll(loops, TimeSpan.FromSeconds(5)); }
            catch (AggregateException) { }
            cts.Dispose();
        });
    });

    private async Task ListenAsync(string adapter, IFrameTransport transport, Action<DeviceSighting> emit, CancellationToken ct)
    {
        var buffer = new byte[256];
        while (!ct.IsCancellationRequested)
        {
            int n;
            try { n = await transport.ReceiveAsync(buffer, ct).ConfigureAwait(false); }
            catch (Exception e) when (ct.IsCancellationRequested || e is ObjectDisposedException or OperationCanceledException) { return; }
            catch (Exception e)
            {
                LogReceiveError(adapter, e);
                return;
            }
            var sighting = ToSighting(buffer.AsSpan(0, n), adapter, _time.GetUtcNow(), Drops);
            if (sighting is not null) emit(sighting);
        }
    }

    /// <summary>The sighting a frame yields: its source address and PAN, or null (no source / unparseable, counted).</summary>
    internal static DeviceSighting? ToSighting(ReadOnlySpan<byte> frame, string adapter, DateTimeOffset timestamp, DropCounters drops)
    {
        if (!MacFrame.TryParse(frame, out var parsed, out var reason))
        {
            drops.Increment(reason);
            return null;
        }
        var h = parsed.Header;
        if (h.Source.Mode is not (AddressingMode.Short or AddressingMode.Extended)) return null;
        ushort pan = h.EffectiveSourcePanId ?? 0xFFFF;
        var address = h.Source.Mode == AddressingMode.Short
            ? new Ieee802154DeviceAddress(pan, h.Source.Short, null)
            : new Ieee802154DeviceAddress(pan, null, h.Source.Extended);
        return new DeviceSighting(address, adapter, timestamp, Details: h.FrameType);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "802.15.4 scan on {Adapter} stopped")]
    private partial void LogReceiveError(string adapter, Exception e);
}
