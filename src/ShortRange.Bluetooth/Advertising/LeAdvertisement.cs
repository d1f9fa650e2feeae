using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// One LE advertising instance added through mgmt (BlueZ doc/mgmt-api.txt); disposing removes it (Remove Advertising,
/// 0x003F, which serves both paths). When the kernel lists Add Extended Advertising Parameters/Data (0x0054/0x0055,
/// Linux 5.10+) in Read Management Supported Commands, those add the instance and carry the optional interval and
/// TX power; otherwise Add Advertising (0x003E) does, and asking for an interval or TX power throws
/// <see cref="ExtendedAdvertisingNotSupportedException"/>. The extended pair needs a powered controller (Rejected
/// otherwise); Add Advertising also works before power-on. The kernel owns the Flags AD structure when the instance
/// is discoverable. mgmt Set Advertising (0x0029) on the same controller overrides every instance.
/// </summary>
public sealed partial class LeAdvertisement : IAsyncDisposable
{
    // Legacy AD is 31 octets (Core Vol 6 Part B §2.3.1.1); a kernel-managed Flags structure takes 3 of them.
    private const int FlagsStructureLength = 3;

    private readonly MgmtClient _client;
    private readonly bool _ownsClient;
    private readonly ILogger _logger;
    private int _disposed;

    private LeAdvertisement(MgmtClient client, bool ownsClient, ushort index, byte instance, byte[] advertisingData, byte[] scanResponse,
        LeAdvertisingCommands commands, sbyte? selectedTxPower, bool connectable, ILogger logger)
    {
        Connectable = connectable;
        _client = client;
        _ownsClient = ownsClient;
        ControllerIndex = index;
        Instance = instance;
        AdvertisingData = advertisingData;
        ScanResponse = scanResponse;
        Commands = commands;
        SelectedTxPower = selectedTxPower;
        _logger = logger;
    }

    public ushort ControllerIndex { get; }

    /// <summary>The instance the kernel confirmed.</summary>
    public byte Instance { get; }

    /// <summary>The AD structures we handed to the kernel (without the Flags structure the kernel adds).</summary>
    public ReadOnlyMemory<byte> AdvertisingData { get; }

    /// <summary>The scan response data we handed to the kernel (empty when everything fit the advertising data).</summary>
    public ReadOnlyMemory<byte> ScanResponse { get; }

    /// <summary>Which mgmt commands added the instance.</summary>
    public LeAdvertisingCommands Commands { get; }

    /// <summary>
    /// The TX power (dBm) the kernel reported in Add Extended Advertising Parameters' return; null on the Add
    /// Advertising path and when it reported none (127: the controller selected none, e.g. legacy advertising HCI).
    /// </summary>
    public sbyte? SelectedTxPower { get; }

    /// <summary>
    /// Whether the kernel advertises this instance as connectable. An instance added without the connectable flag is
    /// still advertised connectable (ADV_IND) while the controller's Connectable setting is on: the kernel takes the
    /// instance's flag OR that setting (net/bluetooth/hci_sync.c, hci_setup_ext_adv_instance_sync and
    /// hci_enable_advertising_sync). So this is true when <see cref="LeAdvertisementOptions.Connectable"/> was, or when
    /// the setting was on at start; turn it off (mgmt Set Connectable) for a non-connectable advertisement. The kernel
    /// reads the setting again whenever it reprograms the instance. A non-connectable instance is sent from a
    /// private address the kernel generates (non-resolvable unless LE privacy is on), not the controller's public address.
    /// </summary>
    public bool Connectable { get; }

    /// <summary>Starts advertising on controller <paramref name="index"/> through its own mgmt channel.</summary>
    public static async Task<LeAdvertisement> StartAsync(ushort index, LeAdvertisementOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var client = new MgmtClient(MgmtSocketTransport.Open(), logger);
        try
        {
            return await StartAsync(client, index, options, ownsClient: true, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts advertising through <paramref name="client"/> (which must outlive the advertisement).</summary>
    /// <exception cref="ArgumentOutOfRangeException">instance 0, an interval outside 20 ms…10,485.76 s or Min &gt; Max, TX power outside −127…+20 dBm.</exception>
    /// <exception cref="ExtendedAdvertisingNotSupportedException">an interval or TX power was asked for and the kernel lacks Add Extended Advertising Parameters/Data.</exception>
    /// <exception cref="AdvertisingDataTooLongException">the data exceeds the lengths the kernel returned for the instance (which is then removed again).</exception>
    /// <exception cref="MgmtException">the kernel refused a command.</exception>
    public static Task<LeAdvertisement> StartAsync(MgmtClient client, ushort index, LeAdvertisementOptions options, ILogger? logger = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(client ?? throw new ArgumentNullException(nameof(client)), index, options, ownsClient: false, logger, cancellationToken);

    private static async Task<LeAdvertisement> StartAsync(MgmtClient client, ushort index, LeAdvertisementOptions options, bool ownsClient, ILogger? logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Instance == 0) throw new ArgumentOutOfRangeException(nameof(options), "advertising instance 0 is reserved (Remove Advertising: all)");
        var intervals = options.IntervalUnits();
        options.CheckTxPower();
        var log = logger ?? NullLogger.Instance;
        var (advertising, scanResponse) = Layout(options);
        uint flags = (options.Connectable ? MgmtAdvFlags.MGMT_ADV_FLAG_CONNECTABLE : 0) | (options.Discoverable ? MgmtAdvFlags.MGMT_ADV_FLAG_DISCOV : 0);
        ushort timeout = checked((ushort)Math.Ceiling(options.Timeout.TotalSeconds));
        bool connectable = options.Connectable || await ControllerConnectableAsync(client, index, log, cancellationToken).ConfigureAwait(false);

        var supported = await client.ReadSupportedCommandsAsync(cancellationToken).ConfigureAwait(false);
        bool extended = supported.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS) && supported.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_DATA);
        if (!extended)
        {
            if (options.NeedsExtendedParameters)
                throw new ExtendedAdvertisingNotSupportedException(
                    "an advertising interval or TX power needs mgmt Add Extended Advertising Parameters/Data (0x0054/0x0055, Linux 5.10+), which this kernel does not list");
            var p = MgmtAdvertising.AddAdvertising(options.Instance, flags, 0, timeout, advertising, scanResponse);   // duration 0: the kernel's default rotation
            var rsp = await client.SendCommandAsync(MgmtOpcode.MGMT_OP_ADD_ADVERTISING, index, p, cancellationToken).ConfigureAwait(false);
            if (rsp.Length < 1) throw new MgmtProtocolException("Add Advertising returned no instance");
            LogStarted(log, rsp.Span[0], index, "Add Advertising", null);
            return new LeAdvertisement(client, ownsClient, index, rsp.Span[0], advertising, scanResponse, LeAdvertisingCommands.AddAdvertising, null, connectable, log);
        }

        flags |= (timeout > 0 ? MgmtAdvFlags.MGMT_ADV_PARAM_TIMEOUT : 0)
            | (intervals is not null ? MgmtAdvFlags.MGMT_ADV_PARAM_INTERVALS : 0)
            | (options.TxPower is not null ? MgmtAdvFlags.MGMT_ADV_PARAM_TX_POWER : 0)
            | (scanResponse.Length > 0 ? MgmtAdvFlags.MGMT_ADV_PARAM_SCAN_RSP : 0);
        var parameters = MgmtAdvertising.AddExtAdvParams(options.Instance, flags, 0, timeout, intervals?.Min ?? 0, intervals?.Max ?? 0,
            options.TxPower ?? MgmtAdvertising.TxPowerNoPreference);
        AddExtAdvParamsReturn added;
        try
        {
            added = MgmtAdvertising.ReadAddExtAdvParamsReturn(
                (await client.SendCommandAsync(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS, index, parameters, cancellationToken).ConfigureAwait(false)).Span);
        }
        catch (Exception e) when (e is not MgmtException)
        {
            // Cancelled, timed out or a short reply: the kernel may hold the instance anyway.
            await RemoveQuietlyAsync(client, index, options.Instance, log).ConfigureAwait(false);
            throw;
        }
        try
        {
            if (advertising.Length > added.MaxAdvDataLength || scanResponse.Length > added.MaxScanResponseLength)
                throw new AdvertisingDataTooLongException(string.Create(CultureInfo.InvariantCulture,
                    $"advertising data {advertising.Length} octets (kernel allows {added.MaxAdvDataLength}) and scan response {scanResponse.Length} (allows {added.MaxScanResponseLength}) do not fit instance {added.Instance} on hci{index}"),
                    advertising.Length, added.MaxAdvDataLength, scanResponse.Length, added.MaxScanResponseLength);
            await client.SendCommandAsync(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_DATA, index,
                MgmtAdvertising.AddExtAdvData(added.Instance, advertising, scanResponse), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RemoveQuietlyAsync(client, index, added.Instance, log).ConfigureAwait(false);
            throw;
        }
        sbyte? txPower = added.TxPower == MgmtAdvertising.TxPowerNoPreference ? null : added.TxPower;
        LogStarted(log, added.Instance, index, "Add Extended Advertising Parameters/Data", txPower);
        return new LeAdvertisement(client, ownsClient, index, added.Instance, advertising, scanResponse, LeAdvertisingCommands.AddExtendedAdvertising, txPower, connectable, log);
    }

    // A non-connectable instance is advertised connectable while the controller's Connectable setting is on (see Connectable).
    private static async Task<bool> ControllerConnectableAsync(MgmtClient client, ushort index, ILogger logger, CancellationToken cancellationToken)
    {
        var info = await client.ReadControllerInfoAsync(index, cancellationToken).ConfigureAwait(false);
        if (!info.CurrentSettings.HasFlag(MgmtSettings.Connectable)) return false;
        LogConnectableAnyway(logger, index);
        return true;
    }

    // Undoes a half-added instance; the caller's exception is what matters, so a failure here is only logged.
    private static async Task RemoveQuietlyAsync(MgmtClient client, ushort index, byte instance, ILogger logger)
    {
        try
        {
            await client.SendCommandAsync(MgmtOpcode.MGMT_OP_REMOVE_ADVERTISING, index, new[] { instance }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BluetoothException e)
        {
            LogRemoveFailed(logger, e, instance, index);
        }
    }

    /// <summary>
    /// Advertising data and scan response for <paramref name="options"/>: UUIDs and manufacturer data in the advertising
    /// data, the name there too when it fits and in the scan response otherwise.
    /// </summary>
    public static (byte[] AdvertisingData, byte[] ScanResponse) Layout(LeAdvertisementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int max = AdvertisingDataBuilder.LegacyMaxLength - (options.Discoverable ? FlagsStructureLength : 0);
        var ad = new AdvertisingDataBuilder();
        if (options.ServiceUuids.Count > 0) ad.ServiceUuids(options.ServiceUuids);
        foreach (var (company, data) in options.ManufacturerData) ad.ManufacturerData(company, data);
        var scan = new AdvertisingDataBuilder();
        if (options.Name is { } name)
        {
            var withName = new AdvertisingDataBuilder().CompleteName(name);
            if (ad.Length + withName.Length <= max) ad.CompleteName(name);
            else scan.CompleteName(name);
        }
        return (ad.Build(max), scan.Build());
    }

    /// <summary>Removes the instance (Remove Advertising); one already gone (its timeout passed) is fine.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await _client.SendCommandAsync(MgmtOpcode.MGMT_OP_REMOVE_ADVERTISING, ControllerIndex, new[] { Instance }).ConfigureAwait(false);
        }
        catch (MgmtException e) when (e.Status == MgmtStatus.InvalidParameters)
        {
            _logger.LogDebug("advertising instance {Instance} on hci{Index} was already gone", Instance, ControllerIndex);
        }
        finally
        {
            if (_ownsClient) await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "advertising instance {Instance} on hci{Index} added with {Commands}, selected TX power {TxPower} dBm")]
    private static partial void LogStarted(ILogger logger, byte instance, ushort index, string commands, sbyte? txPower);

    [LoggerMessage(Level = LogLevel.Warning, Message = "a non-connectable advertisement was asked for, but hci{Index}'s Connectable setting is on, so the kernel advertises it connectable; turn Connectable off for a non-connectable advertisement")]
    private static partial void LogConnectableAnyway(ILogger logger, ushort index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not remove the half-added advertising instance {Instance} on hci{Index}")]
    private static partial void LogRemoveFailed(ILogger logger, Exception ex, byte instance, ushort index);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"hci{ControllerIndex} advertising instance {Instance}");
}
