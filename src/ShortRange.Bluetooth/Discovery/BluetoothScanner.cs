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

    public IObservable<DeviceSighting> Scan() => Observable.Create<DeviceSighting>(observer =>
    {
        // Disposal cancels the run; the run's finally sends Stop Discovery and closes the channel.
        var cts = new CancellationTokenSource();
        var run = RunAsync(observer, cts.Token).ContinueWith(t =>
        {
            if (t.Exception is { } ex && !cts.IsCancellationRequested) observer.OnError(ex.InnerException ?? ex);
            cts.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return System.Reactive.Disposables.Disposable.Create(() =>
        {
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        });
    });

    private async Task RunAsync(IObserver<DeviceSighting> observer, CancellationToken ct)
    {
        await using var client = new MgmtClient(_options.TransportFactory(), _logger, _options.CommandTimeout);
        var info = await ControllerSelector.SelectAsync(client, _options.Adapter, ct).ConfigureAwait(false);
        ushort index = info.Index;
        string adapter = info.AdapterName;
        var types = _options.DiscoveryTypes;
        var failure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool stopping = false;

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
                        if (!d.Discovering && !Volatile.Read(ref stopping))
                            _ = RestartAsync(client, index, types, failure, ct);
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
            LogStarted(_logger, adapter, (byte)types);
            await failure.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref stopping, true);
            if (started && ct.IsCancellationRequested)
            {
                try
                {
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

    private async Task RestartAsync(MgmtClient client, ushort index, DiscoveryAddressTypes types, TaskCompletionSource failure, CancellationToken ct)
    {
        try { await client.StartDiscoveryAsync(index, types, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (MgmtException ex) when (ex.Status == MgmtStatus.Busy) { }
        catch (Exception ex) { failure.TrySetException(ex); }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed Device Found event: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);
}
