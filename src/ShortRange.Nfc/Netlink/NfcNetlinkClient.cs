using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Errors;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using static ShortRange.Nfc.Netlink.NfcNetlinkConstants;

namespace ShortRange.Nfc.Netlink;

/// <summary>
/// Client of the kernel's "nfc" generic-netlink family (include/uapi/linux/nfc.h, net/nfc/netlink.c). Requests go over
/// one socket (the kernel remembers which port started a poll: only that port may stop it, so keep one client per poll).
/// <see cref="Events"/> opens its own socket per subscription. Errors: <see cref="NetlinkException"/> with errno
/// (ENODEV: no such device; EBUSY: already polling; ENOLINK: no DEP link), <see cref="StackUnavailableException"/> when the
/// kernel has no "nfc" family.
/// </summary>
public sealed partial class NfcNetlinkClient : IDisposable, INfcDepLinkOperations
{
    private readonly GenericNetlinkClient _genl;
    private readonly ILogger _logger;
    private readonly uint _eventsGroup;
    private long _malformed;

    private NfcNetlinkClient(GenericNetlinkClient genl, GenericNetlinkFamily family, ILogger logger)
    {
        _genl = genl;
        Family = family;
        _logger = logger;
        _eventsGroup = family.MulticastGroups.TryGetValue(NFC_GENL_MCAST_EVENT_NAME, out uint g) ? g : 0;
        Events = Observable.Create<NfcEvent>(SubscribeEvents);
    }

    /// <summary>Opens a netlink socket and resolves the "nfc" family.</summary>
    /// <exception cref="StackUnavailableException">The kernel has no NFC support (no "nfc" generic-netlink family).</exception>
    public static async Task<NfcNetlinkClient> OpenAsync(ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var genl = GenericNetlinkClient.Open(logger);
        try
        {
            var family = await genl.ResolveFamilyAsync(NFC_GENL_NAME, cancellationToken).ConfigureAwait(false);
            return new NfcNetlinkClient(genl, family, logger ?? NullLogger.Instance);
        }
        catch (NetlinkException e) when (e.ErrorNumber == Errno.ENOENT)
        {
            genl.Dispose();
            throw new StackUnavailableException(Technology.Nfc,
                "this kernel has no NFC support (no 'nfc' generic netlink family; load the nfc module)", e);
        }
        catch
        {
            genl.Dispose();
            throw;
        }
    }

    /// <summary>The resolved family (id, version, multicast groups).</summary>
    public GenericNetlinkFamily Family { get; }

    /// <summary>Multicast messages that could not be decoded (logged and dropped).</summary>
    public long MalformedEvents => Interlocked.Read(ref _malformed);

    /// <summary>
    /// NFC events (device added/removed, targets found, target lost, target mode (de)activated, DEP link up/down,
    /// service-name answers, secure elements). Cold: each subscription joins the "events" group on its own socket and
    /// leaves it when disposed. Malformed notifications are counted (<see cref="MalformedEvents"/>) and dropped.
    /// </summary>
    public IObservable<NfcEvent> Events { get; }

    private IDisposable SubscribeEvents(IObserver<NfcEvent> observer)
    {
        var genl = GenericNetlinkClient.Open(_logger);
        try
        {
            var sub = genl.Socket.Subscribe(_eventsGroup).Subscribe(
                m =>
                {
                    if (m.Type != Family.Id) return;
                    NfcEvent? e;
                    try
                    {
                        e = NfcNetlinkCodec.ParseEvent(GenericNetlinkClient.GetCommand(m), GenericNetlinkClient.GetAttributes(m).Span);
                    }
                    catch (Exception ex) when (ex is NetlinkFormatException or NfcNetlinkFormatException)
                    {
                        Interlocked.Increment(ref _malformed);
                        LogMalformed(_logger, ex.Message);
                        return;
                    }
                    if (e is not null) observer.OnNext(e);
                },
                observer.OnError,
                observer.OnCompleted);
            return new CompositeDisposable(sub, genl);
        }
        catch
        {
            genl.Dispose();
            throw;
        }
    }

    private Task<IReadOnlyList<NetlinkMessage>> Request(byte command, ushort flags, Action<NetlinkAttributeWriter>? attributes, CancellationToken ct) =>
        _genl.RequestAsync(Family, command, NFC_GENL_VERSION, flags, attributes, ct);

    private static Action<NetlinkAttributeWriter> Device(uint index) => w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, index);

    /// <summary>Every NFC device (NFC_CMD_GET_DEVICE dump).</summary>
    public async Task<IReadOnlyList<NfcDeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken = default)
    {
        var replies = await Request(NFC_CMD_GET_DEVICE, NetlinkConstants.NLM_F_DUMP, null, cancellationToken).ConfigureAwait(false);
        return replies.Select(m => NfcNetlinkCodec.ParseDevice(GenericNetlinkClient.GetAttributes(m).Span)).ToList();
    }

    /// <summary>One device by index (NFC_CMD_GET_DEVICE); NetlinkException ENODEV when absent.</summary>
    public async Task<NfcDeviceInfo> GetDeviceAsync(uint deviceIndex, CancellationToken cancellationToken = default)
    {
        var replies = await Request(NFC_CMD_GET_DEVICE, 0, Device(deviceIndex), cancellationToken).ConfigureAwait(false);
        if (replies.Count == 0) throw new NfcNetlinkFormatException("NFC_CMD_GET_DEVICE returned no device");
        return NfcNetlinkCodec.ParseDevice(GenericNetlinkClient.GetAttributes(replies[0]).Span);
    }

    /// <summary>
    /// Powers the device up (NFC_CMD_DEV_UP) or down (NFC_CMD_DEV_DOWN). Idempotent: the kernel's EALREADY
    /// (already in that state) is not an error.
    /// </summary>
    public async Task SetPoweredAsync(uint deviceIndex, bool powered, CancellationToken cancellationToken = default)
    {
        try
        {
            await Request(powered ? NFC_CMD_DEV_UP : NFC_CMD_DEV_DOWN, 0, Device(deviceIndex), cancellationToken).ConfigureAwait(false);
        }
        catch (NetlinkException e) when (e.ErrorNumber == Errno.EALREADY)
        {
        }
    }

    /// <summary>
    /// Starts polling (NFC_CMD_START_POLL): as initiator for <paramref name="initiatorProtocols"/> and/or listening as a
    /// target for <paramref name="targetProtocols"/>. The device must be powered. EBUSY: a poll is already running.
    /// Results arrive as <see cref="NfcTargetsFoundEvent"/> (initiator) or <see cref="NfcTargetModeActivatedEvent"/> (target).
    /// </summary>
    public Task StartPollAsync(uint deviceIndex, NfcProtocols initiatorProtocols, NfcProtocols targetProtocols,
        CancellationToken cancellationToken = default)
    {
        if (initiatorProtocols == NfcProtocols.None && targetProtocols == NfcProtocols.None)
            throw new ArgumentException("poll for at least one initiator or target protocol");
        return Request(NFC_CMD_START_POLL, 0, w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex);
            if (initiatorProtocols != NfcProtocols.None) w.WriteUInt32(NFC_ATTR_IM_PROTOCOLS, (uint)initiatorProtocols);
            if (targetProtocols != NfcProtocols.None) w.WriteUInt32(NFC_ATTR_TM_PROTOCOLS, (uint)targetProtocols);
        }, cancellationToken);
    }

    /// <summary>
    /// Stops a poll this client started (NFC_CMD_STOP_POLL). EINVAL: not polling; EBUSY: another netlink port started it.
    /// </summary>
    public Task StopPollAsync(uint deviceIndex, CancellationToken cancellationToken = default) =>
        Request(NFC_CMD_STOP_POLL, 0, Device(deviceIndex), cancellationToken);

    /// <summary>Targets found by the last poll (NFC_CMD_GET_TARGET dump).</summary>
    public async Task<IReadOnlyList<NfcTargetInfo>> GetTargetsAsync(uint deviceIndex, CancellationToken cancellationToken = default)
    {
        var replies = await Request(NFC_CMD_GET_TARGET, NetlinkConstants.NLM_F_DUMP, Device(deviceIndex), cancellationToken).ConfigureAwait(false);
        return replies.Select(m => NfcNetlinkCodec.ParseTarget(GenericNetlinkClient.GetAttributes(m).Span)).ToList();
    }

    /// <summary>
    /// Asks the device (initiator) to bring up the NFC-DEP link to a target (NFC_CMD_DEP_LINK_UP). Asynchronous in the kernel:
    /// the link is up when <see cref="NfcDepLinkUpEvent"/> arrives (see <see cref="DepLinkUpAndWaitAsync"/>).
    /// </summary>
    public Task DepLinkUpAsync(uint deviceIndex, uint? targetIndex, NfcCommMode commMode = NfcCommMode.Passive,
        CancellationToken cancellationToken = default) =>
        Request(NFC_CMD_DEP_LINK_UP, 0, w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex);
            if (targetIndex is uint t) w.WriteUInt32(NFC_ATTR_TARGET_INDEX, t);
            w.WriteByte(NFC_ATTR_COMM_MODE, (byte)commMode);
        }, cancellationToken);

    /// <summary>Sends NFC_CMD_DEP_LINK_UP and waits (bounded by <paramref name="timeout"/>) for the DEP link up event.</summary>
    public async Task<NfcDepLinkUpEvent> DepLinkUpAndWaitAsync(uint deviceIndex, uint targetIndex, TimeSpan timeout,
        NfcCommMode commMode = NfcCommMode.Passive, CancellationToken cancellationToken = default)
    {
        var up = Events.OfType<NfcDepLinkUpEvent>().Where(e => e.DeviceIndex == deviceIndex)
            .FirstAsync().Timeout(timeout).ToTask(cancellationToken);
        await DepLinkUpAsync(deviceIndex, targetIndex, commMode, cancellationToken).ConfigureAwait(false);
        return await up.ConfigureAwait(false);
    }

    /// <summary>Brings the NFC-DEP link down (NFC_CMD_DEP_LINK_DOWN; the kernel requires the target index).</summary>
    public Task DepLinkDownAsync(uint deviceIndex, uint targetIndex, CancellationToken cancellationToken = default) =>
        Request(NFC_CMD_DEP_LINK_DOWN, 0, w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex);
            w.WriteUInt32(NFC_ATTR_TARGET_INDEX, targetIndex);
        }, cancellationToken);

    /// <summary>The device's LLC parameters (NFC_CMD_LLC_GET_PARAMS).</summary>
    public async Task<NfcLlcParameters> GetLlcParametersAsync(uint deviceIndex, CancellationToken cancellationToken = default)
    {
        var replies = await Request(NFC_CMD_LLC_GET_PARAMS, 0, w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex);
            // Some kernels (net/nfc/netlink.c nfc_genl_llc_get_params) reject the request without NFC_ATTR_FIRMWARE_NAME,
            // which they never read; an empty name satisfies them and older kernels ignore it.
            w.WriteString(NFC_ATTR_FIRMWARE_NAME, "");
        }, cancellationToken).ConfigureAwait(false);
        if (replies.Count == 0) throw new NfcNetlinkFormatException("NFC_CMD_LLC_GET_PARAMS returned no parameters");
        return NfcNetlinkCodec.ParseLlcParameters(GenericNetlinkClient.GetAttributes(replies[0]).Span);
    }

    /// <summary>
    /// Sets LLC parameters (NFC_CMD_LLC_SET_PARAMS). LTO (10 ms units) only before the link is up (EINPROGRESS otherwise);
    /// RW ≤ 15 and MIUX ≤ 2047 apply to later connections.
    /// </summary>
    public Task SetLlcParametersAsync(uint deviceIndex, byte? linkTimeout = null, byte? receiveWindow = null, ushort? miux = null,
        CancellationToken cancellationToken = default)
    {
        if (linkTimeout is null && receiveWindow is null && miux is null) throw new ArgumentException("set at least one parameter");
        if (receiveWindow > LLCP_MAX_RW) throw new ArgumentOutOfRangeException(nameof(receiveWindow), $"RW is at most {LLCP_MAX_RW}");
        if (miux > LLCP_MAX_MIUX) throw new ArgumentOutOfRangeException(nameof(miux), $"MIUX is at most {LLCP_MAX_MIUX}");
        return Request(NFC_CMD_LLC_SET_PARAMS, 0, w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex);
            if (linkTimeout is byte lto) w.WriteByte(NFC_ATTR_LLC_PARAM_LTO, lto);
            if (receiveWindow is byte rw) w.WriteByte(NFC_ATTR_LLC_PARAM_RW, rw);
            if (miux is ushort m) w.WriteUInt16(NFC_ATTR_LLC_PARAM_MIUX, m);
        }, cancellationToken);
    }

    /// <summary>
    /// Sends an LLCP service-name lookup (NFC_CMD_LLC_SDREQ) for <paramref name="serviceNames"/> over the DEP link;
    /// answers arrive as <see cref="NfcServiceDiscoveryEvent"/>. ENOLINK: no DEP link.
    /// </summary>
    public Task RequestServiceDiscoveryAsync(uint deviceIndex, IEnumerable<string> serviceNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceNames);
        var names = serviceNames.ToList();
        if (names.Count == 0) throw new ArgumentException("look up at least one service name", nameof(serviceNames));
        foreach (var n in names)
            if (string.IsNullOrEmpty(n) || System.Text.Encoding.UTF8.GetByteCount(n) > 250)
                throw new ArgumentException($"service name '{n}' must be 1–250 bytes", nameof(serviceNames)); // nfc_sdp_genl_policy: U8_MAX - 4
        return Request(NFC_CMD_LLC_SDREQ, 0, w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex);
            int sdp = w.BeginNested(NFC_ATTR_LLC_SDP);
            ushort i = 1;
            foreach (var n in names)
            {
                int entry = w.BeginNested(i++);
                w.WriteString(NFC_SDP_ATTR_URI, n);
                w.EndNested(entry);
            }
            w.EndNested(sdp);
        }, cancellationToken);
    }

    /// <summary>
    /// Looks up one service name on the peer (SDREQ) and returns its SAP, or null when the peer has no such service
    /// (SAP 0) or did not answer (the kernel reports SAP 65 after 3 × LTO). Bounded by <paramref name="timeout"/>.
    /// </summary>
    public async Task<byte?> LookupServiceAsync(uint deviceIndex, string serviceName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var answer = Events.OfType<NfcServiceDiscoveryEvent>().Where(e => e.DeviceIndex == deviceIndex)
            .SelectMany(e => e.Services).Where(s => string.Equals(s.Uri, serviceName, StringComparison.Ordinal))
            .FirstAsync().Timeout(timeout).ToTask(cancellationToken);
        await RequestServiceDiscoveryAsync(deviceIndex, [serviceName], cancellationToken).ConfigureAwait(false);
        var entry = await answer.ConfigureAwait(false);
        return entry.Sap is 0 or >= 64 ? null : entry.Sap;
    }

    /// <summary>Every secure element of every device (NFC_CMD_GET_SE dump).</summary>
    public async Task<IReadOnlyList<NfcSecureElement>> GetSecureElementsAsync(CancellationToken cancellationToken = default)
    {
        var replies = await Request(NFC_CMD_GET_SE, NetlinkConstants.NLM_F_DUMP, null, cancellationToken).ConfigureAwait(false);
        return replies.Select(m => NfcNetlinkCodec.ParseSecureElement(GenericNetlinkClient.GetAttributes(m).Span)).ToList();
    }

    /// <summary>Enables a secure element (NFC_CMD_ENABLE_SE).</summary>
    public Task EnableSecureElementAsync(uint deviceIndex, uint secureElementIndex, CancellationToken cancellationToken = default) =>
        Request(NFC_CMD_ENABLE_SE, 0, w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex).WriteUInt32(NFC_ATTR_SE_INDEX, secureElementIndex),
            cancellationToken);

    /// <summary>Disables a secure element (NFC_CMD_DISABLE_SE).</summary>
    public Task DisableSecureElementAsync(uint deviceIndex, uint secureElementIndex, CancellationToken cancellationToken = default) =>
        Request(NFC_CMD_DISABLE_SE, 0, w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, deviceIndex).WriteUInt32(NFC_ATTR_SE_INDEX, secureElementIndex),
            cancellationToken);

    /// <summary>Closes the request socket: pending requests fail with <see cref="NetlinkClosedException"/>.</summary>
    public void Dispose() => _genl.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a malformed NFC netlink event: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);
}
