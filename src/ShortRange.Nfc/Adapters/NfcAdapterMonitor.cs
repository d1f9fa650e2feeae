using System.Reactive.Linq;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Adapters;
using ShortRange.Errors;
using ShortRange.Nfc.Netlink;

namespace ShortRange.Nfc.Adapters;

/// <summary>
/// NFC devices (nfc0, nfc1 …) through the "nfc" generic-netlink family: NFC_CMD_GET_DEVICE for the list,
/// NFC_EVENT_DEVICE_ADDED / _REMOVED for <see cref="Changes"/>. <see cref="AdapterInfo.Details"/> is the
/// <see cref="NfcDeviceInfo"/> (protocols, RF mode). The kernel sends no event when a device is powered up or down, so
/// <see cref="Changes"/> reports Added and Removed only. <see cref="Changes"/> is a state stream: a lost netlink channel
/// is logged and the stream completes.
/// </summary>
public sealed partial class NfcAdapterMonitor : IAdapterMonitor
{
    private readonly ILogger _logger;

    public NfcAdapterMonitor(ILogger<NfcAdapterMonitor>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Changes = Observable.Create<AdapterEvent>(RunAsync);
    }

    public Technology Technology => Technology.Nfc;

    public IObservable<AdapterEvent> Changes { get; }

    /// <inheritdoc/>
    /// <exception cref="StackUnavailableException">The kernel has no NFC support.</exception>
    public async Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default)
    {
        using var client = await NfcNetlinkClient.OpenAsync(_logger, cancellationToken).ConfigureAwait(false);
        return (await client.GetDevicesAsync(cancellationToken).ConfigureAwait(false)).OrderBy(d => d.Index).Select(ToAdapter).ToList();
    }

    internal static AdapterInfo ToAdapter(NfcDeviceInfo d) => new(Technology.Nfc, d.Name, d.IsPowered, null, d);

    private async Task RunAsync(IObserver<AdapterEvent> observer, CancellationToken ct)
    {
        try
        {
            using var client = await NfcNetlinkClient.OpenAsync(_logger, ct).ConfigureAwait(false);
            var work = Channel.CreateUnbounded<NfcEvent>();
            using var sub = client.Events.Subscribe(e => work.Writer.TryWrite(e), ex => work.Writer.TryComplete(ex), () => work.Writer.TryComplete());
            var known = (await client.GetDevicesAsync(ct).ConfigureAwait(false)).ToDictionary(d => d.Index);
            await foreach (var e in work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (e)
                {
                    case NfcDeviceAddedEvent added:
                        known[added.Device.Index] = added.Device;
                        observer.OnNext(new AdapterEvent(AdapterEventKind.Added, ToAdapter(added.Device)));
                        break;
                    case NfcDeviceRemovedEvent removed:
                        var gone = known.Remove(removed.DeviceIndex, out var d) ? ToAdapter(d)
                            : new AdapterInfo(Technology.Nfc, NfcNetlinkCodec.DeviceName(removed.DeviceIndex), false);
                        observer.OnNext(new AdapterEvent(AdapterEventKind.Removed, gone with { IsPowered = false }));
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception ex) when (ex is ShortRangeException or System.Net.Sockets.SocketException)
        {
            LogChannelLost(_logger, ex);
        }
        observer.OnCompleted();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NFC adapter monitor lost its netlink channel; completing")]
    private static partial void LogChannelLost(ILogger logger, Exception ex);
}
