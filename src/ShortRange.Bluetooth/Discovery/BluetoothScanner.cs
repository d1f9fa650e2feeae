using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;

namespace ShortRange.Bluetooth.Discovery;

/// <summary>
/// Bluetooth discovery through mgmt Start/Stop Discovery. Cold: each subscription opens a control channel, starts
/// discovery (restarting it when the kernel ends a round), reports Device Found events as sightings with
/// <see cref="BluetoothDeviceDetails"/>, and on disposal sends Stop Discovery and closes the channel.
/// Errors (no controller, controller removed, channel lost) arrive through OnError.
/// </summary>
public sealed partial class BluetoothScanner : IDeviceScanner
{
    private readonly ScanRuns _runs = new();
    private const int RestartAttempts = 4;
    private static readonly TimeSpan RestartBackoff = TimeSpan.FromMilliseconds(250);
    private readonly BluetoothOptions _options;
    private readonly ILogger _logger;
    private long _malformed;

    public BluetoothScanner(IOptions<BluetoothOptions> options, ILogger<BluetoothScanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Technology Technology => Technology.Bluetooth;

    /// <summary>Device Found events whose EIR/AD could not be decoded (reported without details).</summary>
    public long MalformedAdvertisements => Interlocked.Read(ref _malformed);

    /// <remarks>Disposal cancels the run; the run's finally sends Stop Discovery and closes the channel.</remarks>
    public IObservable<DeviceSighting> Scan() => _runs.Create<DeviceSighting>(RunAsync);

    public Task WhenStoppedAsync(CancellationToken ct = default) => _runs.WhenStoppedAsync(ct);

    private async Task RunAsync(IObserver<DeviceSighting> observer, CancellationToken ct)
    {
        await using var client = new MgmtClient(_options.TransportFactory(), _logger, _options.CommandTimeout);
        var info = await ControllerSelector.SelectAsync(client, _options.Adapter, ct).ConfigureAwait(false);
        ushort index = info.Index;
        string adapter = info.AdapterName;
        var types = Narrow(_options.DiscoveryTypes, info.CurrentSettings);
        var failure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A restart in flight when disposal comes must finish before Stop Discovery goes out: a Stop that overtakes
        // it is rejected (the kernel is still starting) and the new round would run on with nobody to stop it.
        var restartGate = new Lock();
        bool stopping = false;
        Task restart = Task.CompletedTask;

        using var sub = client.Events.Subscribe(
            p =>
            {
                if (p.Index != index) return;
                switch (p.Code)
                {
                    case MgmtEventCode.MGMT_EV_DEVICE_FOUND:
                        OnDeviceFound(observer, adapter, p, client, index);
                        break;
                    case MgmtEventCode.MGMT_EV_DISCOVERING:
                        var d = MgmtEvents.Discovering(p.Parameters.Span);
                        // The kernel ends each discovery round by itself; keep scanning until disposed.
                        if (!d.Discovering)
                            lock (restartGate)
                                if (!stopping) restart = RestartAsync(client, index, adapter, types, failure, ct);
                        break;
                    case MgmtEventCode.MGMT_EV_INDEX_REMOVED:
                        failure.TrySetException(new AdapterGoneException(Technology.Bluetooth, adapter));
                        break;
                }
            },
            ex => failure.TrySetException(ex));

        if (!info.CurrentSettings.HasFlag(MgmtSettings.Powered))
        {
            if (!_options.PowerOnForScan)
                throw new MgmtException(MgmtOpcode.MGMT_OP_START_DISCOVERY, index, MgmtStatus.NotPowered);
            await client.SetPoweredAsync(index, true, ct).ConfigureAwait(false);
        }
        bool started = false;
        try
        {
            // Not cancelled by ct: once sent, we must learn whether discovery runs so that disposal can stop it.
            await client.StartDiscoveryAsync(index, types, CancellationToken.None).ConfigureAwait(false);
            started = true;
            BluetoothMetrics.ScansActive.Add(1);
            LogStarted(_logger, adapter, (byte)types);
            await failure.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Task pendingRestart;
            lock (restartGate)
            {
                stopping = true;
                pendingRestart = restart;
            }
            if (started) BluetoothMetrics.ScansActive.Add(-1);
            if (started && ct.IsCancellationRequested)
            {
                try
                {
                    await pendingRestart.ConfigureAwait(false); // never faults: RestartAsync reports through failure
                    using var stopCt = new CancellationTokenSource(_options.CommandTimeout);
                    await client.StopDiscoveryAsync(index, types, stopCt.Token).ConfigureAwait(false);
                    LogStopped(_logger, adapter);
                }
                catch (Exception ex) when (ex is BluetoothException or OperationCanceledException)
                {
                    // Rejected: a round had just ended; anything else: the controller is going away. Nothing to undo.
                    LogStopFailed(_logger, adapter, ex.Message);
                }
            }
        }
    }

    /// <summary>
    /// Only the transports the controller has enabled: Start Discovery with BR/EDR on an LE-only controller (or LE on a
    /// BR/EDR-only one) is rejected as a whole. When nothing asked for is enabled, the request goes as asked so that the
    /// kernel's status explains why.
    /// </summary>
    internal static DiscoveryAddressTypes Narrow(DiscoveryAddressTypes asked, MgmtSettings current)
    {
        DiscoveryAddressTypes enabled = 0;
        if (current.HasFlag(MgmtSettings.BrEdr)) enabled |= DiscoveryAddressTypes.BrEdr;
        if (current.HasFlag(MgmtSettings.LowEnergy)) enabled |= DiscoveryAddressTypes.Le;
        return (asked & enabled) is var both and not 0 ? both : asked;
    }

    private async Task RestartAsync(MgmtClient client, ushort index, string adapter, DiscoveryAddressTypes types, TaskCompletionSource failure, CancellationToken ct)
    {
        // A failed restart is retried a few times: the controller may be busy connecting (inquiry and paging share the
        // radio) or on its way out, in which case Index Removed arrives meanwhile and ends the scan as AdapterGoneException.
        for (int attempt = 1; ; attempt++)
        {
            if (ct.IsCancellationRequested) return;
            try
            {
                // Not cancelled by ct, like the first start: once sent, disposal must know whether a round runs.
                using var timeout = new CancellationTokenSource(_options.CommandTimeout);
                await client.StartDiscoveryAsync(index, types, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) { return; }
            catch (MgmtException ex) when (ex.Status == MgmtStatus.Busy) { return; } // a round is already running
            catch (MgmtException ex) when (ex.Status == MgmtStatus.InvalidIndex)
            {
                failure.TrySetException(new AdapterGoneException(Technology.Bluetooth, adapter, innerException: ex));
                return;
            }
            catch (MgmtException ex) when (attempt < RestartAttempts)
            {
                LogRestartFailed(_logger, adapter, attempt, ex.Message);
            }
            catch (Exception ex)
            {
                failure.TrySetException(ex);
                return;
            }
            try { await Task.Delay(RestartBackoff * attempt, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            if (failure.Task.IsCompleted) return;
        }
    }

    private void OnDeviceFound(IObserver<DeviceSighting> observer, string adapter, MgmtPacket p, MgmtClient client, ushort index)
    {
        DeviceFoundEvent ev;
        try { ev = MgmtEvents.DeviceFound(p.Parameters.Span); }
        catch (MgmtProtocolException ex)
        {
            Interlocked.Increment(ref _malformed);
            LogMalformed(_logger, ex.Message);
            return;
        }
        BluetoothDeviceDetails? details = null;
        try { details = AdvertisingDataParser.Parse(ev.Eir, ev.Flags); }
        catch (AdvertisingDataException ex)
        {
            Interlocked.Increment(ref _malformed);
            LogMalformed(_logger, ex.Message);
        }
        // Flag bit 0 "Confirm name": the kernel resolves the name (Remote Name Request) only when told it is unknown;
        // the resolved name arrives in a later Device Found.
        if ((ev.Flags & 1) != 0)
            _ = client.ConfirmNameAsync(index, ev.Address, details?.Name is not null).ContinueWith(
                t => LogConfirmFailed(_logger, adapter, t.Exception!.InnerException!.Message), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        if (!Matches(ev, details)) return;
        BluetoothMetrics.DevicesFound.Add(1);
        observer.OnNext(new DeviceSighting(ev.Address, adapter, DateTimeOffset.UtcNow, details?.Name,
            ev.Rssi == 127 ? null : ev.Rssi, SignalKind.Rssi, details)); // 127: RSSI not available (HCI)
    }

    internal bool Matches(DeviceFoundEvent ev, BluetoothDeviceDetails? d)
    {
        if (_options.MinimumRssi is { } min && ev.Rssi < min) return false;
        if (_options.NameContains is { } name && (d?.Name is not { } n || !n.Contains(name, StringComparison.OrdinalIgnoreCase))) return false;
        if (_options.ServiceUuids.Count > 0 && (d is null || !d.ServiceUuids.Any(_options.ServiceUuids.Contains) &&
            !d.ServiceData.Keys.Any(_options.ServiceUuids.Contains))) return false;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery started on {Adapter} (address types 0x{Types:X2})")]
    private static partial void LogStarted(ILogger logger, string adapter, byte types);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery stopped on {Adapter}")]
    private static partial void LogStopped(ILogger logger, string adapter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stop Discovery on {Adapter} not applied: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string adapter, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Confirm Name on {Adapter} failed: {Reason}")]
    private static partial void LogConfirmFailed(ILogger logger, string adapter, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarting discovery on {Adapter} failed (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogRestartFailed(ILogger logger, string adapter, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed Device Found event: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);
}
