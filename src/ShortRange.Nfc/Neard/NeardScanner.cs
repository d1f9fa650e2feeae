using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Neard;

/// <summary>
/// NFC discovery through neard. Cold: each subscription connects to the bus, checks neard is there, powers the adapter
/// if needed, reports tags/devices already present, then calls StartPollLoop; tags and devices that neard adds below the
/// adapter are sightings (<see cref="NfcDeviceAddress"/> with the adapter and target indexes from the object paths —
/// neard does not publish the NFCID, so it is empty; Details is <see cref="NeardTargetDetails"/>), removed ones are
/// sightings with IsGone, after which the loop is restarted. Disposal calls StopPollLoop and closes the connection.
/// OnError: <see cref="NeardNotRunningException"/> (neard absent, or it left the bus), <see cref="AdapterGoneException"/>
/// (no such adapter, or it was removed), <see cref="NeardException"/> (neard refused the poll).
/// </summary>
public sealed class NeardScanner : IDeviceScanner
{
    private readonly ScanRuns _runs = new();
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly NeardOptions _options;
    private readonly ILogger _logger;
    private long _malformed;

    public NeardScanner(IOptions<NeardOptions> options, ILogger<NeardScanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Technology Technology => Technology.Nfc;

    /// <summary>Tags and devices neard described with wrongly typed properties (logged and skipped).</summary>
    public long MalformedObjects => Interlocked.Read(ref _malformed);

    public IObservable<DeviceSighting> Scan() => _runs.Create<DeviceSighting>(RunAsync);

    public Task WhenStoppedAsync(CancellationToken ct = default) => _runs.WhenStoppedAsync(ct);

    private async Task RunAsync(IObserver<DeviceSighting> observer, CancellationToken ct)
    {
        await using var client = await NeardClient.ConnectAsync(_options.BusAddress, _logger, ct).ConfigureAwait(false);
        var adapters = await client.GetAdaptersAsync(ct).ConfigureAwait(false);
        var props = (_options.Adapter is null ? adapters.FirstOrDefault() : adapters.FirstOrDefault(a => a.Name == _options.Adapter || a.Path == _options.Adapter))
            ?? throw new AdapterGoneException(Technology.Nfc, _options.Adapter ?? "nfc*",
                _options.Adapter is null ? "neard reports no NFC adapter" : $"neard has no adapter '{_options.Adapter}'");
        var adapter = client.GetAdapter(props.Path);
        uint adapterIndex = NeardObject.IndexOf(props.Path, "nfc") ?? 0;
        if (!props.Powered && _options.PowerOnForScan) await adapter.SetPoweredAsync(true, ct).ConfigureAwait(false);

        // Errors found by signal handlers end the scan through this source (first one wins).
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string prefix = props.Path + "/";
        using var objects = client.WatchObjects()
            .Where(e => e.Object.Path == props.Path || e.Object.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Subscribe(e =>
            {
                if (e.Object.Kind == NeardObjectKind.Adapter)
                {
                    if (!e.Added) failed.TrySetException(new AdapterGoneException(Technology.Nfc, props.Name, $"neard removed adapter {props.Name}"));
                    return;
                }
                if (e.Object.Kind is not (NeardObjectKind.Tag or NeardObjectKind.Device)) return;
                Report(e.Object, gone: !e.Added);
                if (!e.Added && _options.RestartPollAfterLoss) _ = RestartAsync(adapter, ct);
            }, e => failed.TrySetException(e is Tmds.DBus.Protocol.DBusExceptionBase ? new NeardNotRunningException(client.BusAddress, e) : e));
        using var owner = client.WatchNeardOwner()
            .Where(o => o is null)
            .Subscribe(_ => failed.TrySetException(new NeardNotRunningException(client.BusAddress)), e => failed.TrySetException(e));

        void Report(NeardObject o, bool gone)
        {
            DeviceSighting sighting;
            try { sighting = Sighting(o, props.Name, adapterIndex, gone); }
            catch (NeardFormatException e)
            {
                // One malformed object from neard is counted and logged; the scan goes on for the others.
                Interlocked.Increment(ref _malformed);
                _logger.LogWarning(e, "neard: skipped a malformed object");
                return;
            }
            observer.OnNext(sighting);
        }

        foreach (var o in await client.GetObjectsAsync(ct).ConfigureAwait(false))
            if (o.Kind is NeardObjectKind.Tag or NeardObjectKind.Device && o.Path.StartsWith(prefix, StringComparison.Ordinal))
                Report(o, gone: false);

        await StartAsync(adapter, ct).ConfigureAwait(false);
        try
        {
            await failed.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (ct.IsCancellationRequested) await StopAsync(adapter).ConfigureAwait(false);
        }
    }

    private static async Task StartAsync(NeardAdapter adapter, NeardPollMode mode, CancellationToken ct)
    {
        try
        {
            await adapter.StartPollLoopAsync(mode, ct).ConfigureAwait(false);
        }
        catch (NeardException e) when (e.ShortName is "InProgress" or "AlreadyEnabled")
        {
            // Already polling (another client started it): our sightings come all the same.
        }
    }

    private Task StartAsync(NeardAdapter adapter, CancellationToken ct) => StartAsync(adapter, _options.PollMode, ct);

    private async Task RestartAsync(NeardAdapter adapter, CancellationToken ct)
    {
        try
        {
            await StartAsync(adapter, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NeardException or Tmds.DBus.Protocol.DBusExceptionBase or OperationCanceledException or TimeoutException)
        {
            _logger.LogInformation(e, "neard: poll loop not restarted on {Adapter}", adapter.Name);
        }
    }

    private async Task StopAsync(NeardAdapter adapter)
    {
        using var cts = new CancellationTokenSource(StopTimeout);
        try
        {
            await adapter.StopPollLoopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NeardException or Tmds.DBus.Protocol.DBusExceptionBase or OperationCanceledException or TimeoutException)
        {
            // NotReady when neard already ended the loop (it stops once a target is found).
            _logger.LogDebug(e, "neard: StopPollLoop on {Adapter}", adapter.Name);
        }
    }

    internal static DeviceSighting Sighting(NeardObject o, string adapterName, uint adapterIndex, bool gone)
    {
        string prefix = o.Kind == NeardObjectKind.Tag ? "tag" : "device";
        uint target = NeardObject.IndexOf(o.Path, prefix) ?? 0;
        var p = o.Properties;
        var details = NeardPropertyReader.Read(o.Path, () => new NeardTargetDetails(o.Path, o.Kind, NeardRecordProperties.Str(p, "Type"),
            NeardRecordProperties.Str(p, "Protocol"), NeardPropertyReader.Get<bool>(p, "ReadOnly")));
        string? name = o.Kind == NeardObjectKind.Tag ? details.Type is null ? "NFC tag" : $"NFC tag ({details.Type})" : "NFC peer device";
        return new DeviceSighting(new NfcDeviceAddress(adapterIndex, target, []), adapterName, DateTimeOffset.UtcNow, name, Details: details, IsGone: gone);
    }
}
