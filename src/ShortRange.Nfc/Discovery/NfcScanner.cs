using System.Reactive.Linq;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;

namespace ShortRange.Nfc.Discovery;

/// <summary>
/// NFC discovery through the kernel's poll (NFC_CMD_START_POLL). Cold: each subscription opens its own netlink client,
/// powers the device up if needed, starts a poll and reports every target of NFC_EVENT_TARGETS_FOUND as a sighting
/// (<see cref="NfcDeviceAddress"/> with device index, target index and NFCID; <see cref="DeviceSighting.Details"/> is the
/// <see cref="NfcTargetInfo"/>). The kernel ends a poll when it finds targets; a lost target (or its DEP link going
/// down) is reported with <see cref="DeviceSighting.IsGone"/> and polling resumes. Disposal stops the poll.
/// Errors through OnError: <see cref="StackUnavailableException"/>, <see cref="AdapterGoneException"/> (no such device,
/// or it was removed), <see cref="NetlinkException"/> (the kernel refused the poll).
/// </summary>
public sealed partial class NfcScanner : IDeviceScanner
{
    private readonly ScanRuns _runs = new();
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly NfcOptions _options;
    private readonly ILogger _logger;

    public NfcScanner(IOptions<NfcOptions> options, ILogger<NfcScanner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public Technology Technology => Technology.Nfc;

    public IObservable<DeviceSighting> Scan() => _runs.Create<DeviceSighting>(RunAsync);

    public Task WhenStoppedAsync(CancellationToken ct = default) => _runs.WhenStoppedAsync(ct);

    /// <summary>Picks the configured device, or the first one.</summary>
    internal static async Task<NfcDeviceInfo> SelectAsync(NfcNetlinkClient client, string? name, CancellationToken ct)
    {
        var devices = await client.GetDevicesAsync(ct).ConfigureAwait(false);
        var d = name is null ? devices.OrderBy(x => x.Index).FirstOrDefault() : devices.FirstOrDefault(x => x.Name == name);
        return d ?? throw new AdapterGoneException(Technology.Nfc, name ?? "nfc*",
            name is null ? "no NFC device is present" : $"NFC device '{name}' is not present");
    }

    /// <summary>The sighting of a target found on <paramref name="device"/>.</summary>
    internal static DeviceSighting ToSighting(NfcDeviceInfo device, NfcTargetInfo target, DateTimeOffset at, bool gone = false) =>
        new(new NfcDeviceAddress(device.Index, target.Index, target.Identifier), device.Name, at, Details: target, IsGone: gone);

    private async Task RunAsync(IObserver<DeviceSighting> observer, CancellationToken ct)
    {
        using var client = await NfcNetlinkClient.OpenAsync(_logger, ct).ConfigureAwait(false);
        var device = await SelectAsync(client, _options.Adapter, ct).ConfigureAwait(false);
        var events = Channel.CreateUnbounded<NfcEvent>();
        using var sub = client.Events.Where(e => e.DeviceIndex == device.Index).Subscribe(
            e => events.Writer.TryWrite(e), ex => events.Writer.TryComplete(ex), () => events.Writer.TryComplete());

        if (!device.IsPowered)
        {
            if (!_options.PowerOnForScan) throw new NfcException($"{device.Name} is powered down (PowerOnForScan is off)");
            await client.SetPoweredAsync(device.Index, true, ct).ConfigureAwait(false);
        }
        var im = _options.InitiatorProtocols == NfcProtocols.None ? device.Protocols : _options.InitiatorProtocols;
        var tm = _options.TargetProtocols;
        var known = new Dictionary<uint, NfcTargetInfo>();
        bool polling = false;
        try
        {
            // Not cancelled by ct: once sent we must know whether the poll runs so that disposal can stop it.
            await client.StartPollAsync(device.Index, im, tm, CancellationToken.None).ConfigureAwait(false);
            polling = true;
            LogStarted(_logger, device.Name, im, tm);
            await foreach (var e in events.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (e)
                {
                    case NfcTargetsFoundEvent:
                        polling = false; // the kernel ends the poll when it reports targets
                        foreach (var t in await client.GetTargetsAsync(device.Index, ct).ConfigureAwait(false))
                        {
                            known[t.Index] = t;
                            NfcMetrics.TargetsFound.Add(1);
                            observer.OnNext(ToSighting(device, t, DateTimeOffset.UtcNow));
                        }
                        break;
                    case NfcTargetLostEvent lost:
                        if (known.Remove(lost.TargetIndex, out var gone)) observer.OnNext(ToSighting(device, gone, DateTimeOffset.UtcNow, gone: true));
                        polling = await ResumeAsync(client, device, im, tm, polling, ct).ConfigureAwait(false);
                        break;
                    case NfcDepLinkDownEvent:
                        foreach (var t in known.Values) observer.OnNext(ToSighting(device, t, DateTimeOffset.UtcNow, gone: true));
                        known.Clear();
                        polling = await ResumeAsync(client, device, im, tm, polling, ct).ConfigureAwait(false);
                        break;
                    case NfcTargetModeDeactivatedEvent:
                        polling = await ResumeAsync(client, device, im, tm, polling, ct).ConfigureAwait(false);
                        break;
                    case NfcDeviceRemovedEvent:
                        polling = false;
                        throw new AdapterGoneException(Technology.Nfc, device.Name);
                }
            }
            throw new NfcException($"the NFC event channel of {device.Name} ended");
        }
        finally
        {
            if (polling && ct.IsCancellationRequested)
            {
                try
                {
                    using var stop = new CancellationTokenSource(StopTimeout);
                    await client.StopPollAsync(device.Index, stop.Token).ConfigureAwait(false);
                    LogStopped(_logger, device.Name);
                }
                catch (Exception ex) when (ex is NetlinkException or OperationCanceledException or NetlinkClosedException)
                {
                    // EINVAL: the poll had just ended (targets found); ENODEV: the device is going away. Nothing to undo.
                    LogStopFailed(_logger, device.Name, ex.Message);
                }
            }
        }
    }

    private async Task<bool> ResumeAsync(NfcNetlinkClient client, NfcDeviceInfo device, NfcProtocols im, NfcProtocols tm, bool polling,
        CancellationToken ct)
    {
        if (polling || !_options.RestartPollAfterLoss) return polling;
        try
        {
            await client.StartPollAsync(device.Index, im, tm, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (NetlinkException e) when (e.ErrorNumber == Errno.EBUSY)
        {
            return false; // the device is busy (DEP link or poll of someone else); a later loss event resumes
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "NFC poll started on {Adapter} (initiator {Initiator}, target {Target})")]
    private static partial void LogStarted(ILogger logger, string adapter, NfcProtocols initiator, NfcProtocols target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NFC poll stopped on {Adapter}")]
    private static partial void LogStopped(ILogger logger, string adapter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NFC stop poll on {Adapter} not applied: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string adapter, string reason);
}
