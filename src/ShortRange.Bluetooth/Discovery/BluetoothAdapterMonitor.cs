using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Discovery;

/// <summary>
/// Bluetooth controllers through mgmt: Read Controller Index List + Read Controller Information, then Index Added,
/// Index Removed and New Settings events. <see cref="Changes"/> is a state stream: a lost channel is logged and the
/// stream completes instead of erroring. <see cref="AdapterInfo.Details"/> is the <see cref="ControllerInfo"/>.
/// </summary>
public sealed partial class BluetoothAdapterMonitor : IAdapterMonitor
{
    private readonly BluetoothOptions _options;
    private readonly ILogger _logger;

    public BluetoothAdapterMonitor(IOptions<BluetoothOptions> options, ILogger<BluetoothAdapterMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Changes = Observable.Create<AdapterEvent>(RunAsync);
    }

    public Technology Technology => Technology.Bluetooth;

    public IObservable<AdapterEvent> Changes { get; }

    public async Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default)
    {
        await using var client = new MgmtClient(_options.TransportFactory(), _logger, _options.CommandTimeout);
        var list = new List<AdapterInfo>();
        foreach (var i in await client.ReadIndexListAsync(cancellationToken).ConfigureAwait(false))
            list.Add(ToAdapter(await client.ReadControllerInfoAsync(i, cancellationToken).ConfigureAwait(false)));
        return list;
    }

    internal static AdapterInfo ToAdapter(ControllerInfo c) =>
        new(Technology.Bluetooth, c.AdapterName, c.CurrentSettings.HasFlag(MgmtSettings.Powered), c.AddressText, c);

    private async Task RunAsync(IObserver<AdapterEvent> observer, CancellationToken ct)
    {
        var known = new Dictionary<ushort, ControllerInfo>();
        try
        {
            await using var client = new MgmtClient(_options.TransportFactory(), _logger, _options.CommandTimeout);
            var work = System.Threading.Channels.Channel.CreateUnbounded<MgmtPacket>();
            using var sub = client.Events.Subscribe(p => work.Writer.TryWrite(p), ex => work.Writer.TryComplete(ex), () => work.Writer.TryComplete());
            // Read Index List / Read Controller Information also subscribe this socket to index and settings events.
            foreach (var i in await client.ReadIndexListAsync(ct).ConfigureAwait(false))
                known[i] = await client.ReadControllerInfoAsync(i, ct).ConfigureAwait(false);
            await foreach (var p in work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (p.Code)
                {
                    case MgmtEventCode.MGMT_EV_INDEX_ADDED:
                        ControllerInfo info;
                        try { info = await client.ReadControllerInfoAsync(p.Index, ct).ConfigureAwait(false); }
                        catch (MgmtException ex) { LogInfoFailed(_logger, p.Index, ex.Message); continue; }
                        known[p.Index] = info;
                        observer.OnNext(new AdapterEvent(AdapterEventKind.Added, ToAdapter(info)));
                        break;
                    case MgmtEventCode.MGMT_EV_INDEX_REMOVED:
                        var gone = known.Remove(p.Index, out var old) ? ToAdapter(old)
                            : new AdapterInfo(Technology.Bluetooth, ControllerName.Format(p.Index), false);
                        observer.OnNext(new AdapterEvent(AdapterEventKind.Removed, gone with { IsPowered = false }));
                        break;
                    case MgmtEventCode.MGMT_EV_NEW_SETTINGS when known.TryGetValue(p.Index, out var prev):
                        MgmtSettings s;
                        try { s = MgmtEvents.Settings(p.Parameters.Span); }
                        catch (MgmtProtocolException ex) { LogInfoFailed(_logger, p.Index, ex.Message); continue; }
                        var now = prev with { CurrentSettings = s };
                        known[p.Index] = now;
                        observer.OnNext(new AdapterEvent(AdapterEventKind.Changed, ToAdapter(now)));
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception ex) when (ex is BluetoothException or Errors.ShortRangeException or System.Net.Sockets.SocketException)
        {
            LogChannelLost(_logger, ex);
        }
        observer.OnCompleted();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read controller {Index}: {Reason}")]
    private static partial void LogInfoFailed(ILogger logger, ushort index, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bluetooth adapter monitor lost its mgmt channel; completing")]
    private static partial void LogChannelLost(ILogger logger, Exception ex);
}
