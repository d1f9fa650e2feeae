using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// One LE advertising instance added through mgmt Add Advertising (BlueZ doc/mgmt-api.txt, opcode 0x003E); disposing
/// removes it (Remove Advertising, 0x003F). The kernel schedules the instance and owns the Flags AD structure when
/// the instance is discoverable. mgmt Set Advertising (0x0029) on the same controller overrides every instance.
/// </summary>
public sealed class LeAdvertisement : IAsyncDisposable
{
    // Add Advertising flags (mgmt-api.txt).
    private const uint MGMT_ADV_FLAG_CONNECTABLE = 1u << 0;
    private const uint MGMT_ADV_FLAG_DISCOV = 1u << 1;

    // Legacy AD is 31 octets (Core Vol 6 Part B §2.3.1.1); a kernel-managed Flags structure takes 3 of them.
    private const int FlagsStructureLength = 3;

    private readonly MgmtClient _client;
    private readonly bool _ownsClient;
    private readonly ILogger _logger;
    private int _disposed;

    private LeAdvertisement(MgmtClient client, bool ownsClient, ushort index, byte instance, byte[] advertisingData, byte[] scanResponse, ILogger logger)
    {
        _client = client;
        _ownsClient = ownsClient;
        ControllerIndex = index;
        Instance = instance;
        AdvertisingData = advertisingData;
        ScanResponse = scanResponse;
        _logger = logger;
    }

    public ushort ControllerIndex { get; }

    /// <summary>The instance the kernel confirmed.</summary>
    public byte Instance { get; }

    /// <summary>The AD structures we handed to the kernel (without the Flags structure the kernel adds).</summary>
    public ReadOnlyMemory<byte> AdvertisingData { get; }

    /// <summary>The scan response data we handed to the kernel (empty when everything fit the advertising data).</summary>
    public ReadOnlyMemory<byte> ScanResponse { get; }

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
    public static Task<LeAdvertisement> StartAsync(MgmtClient client, ushort index, LeAdvertisementOptions options, ILogger? logger = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(client ?? throw new ArgumentNullException(nameof(client)), index, options, ownsClient: false, logger, cancellationToken);

    private static async Task<LeAdvertisement> StartAsync(MgmtClient client, ushort index, LeAdvertisementOptions options, bool ownsClient, ILogger? logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Instance == 0) throw new ArgumentOutOfRangeException(nameof(options), "advertising instance 0 is reserved (Remove Advertising: all)");
        var (advertising, scanResponse) = Layout(options);
        uint flags = (options.Connectable ? MGMT_ADV_FLAG_CONNECTABLE : 0) | (options.Discoverable ? MGMT_ADV_FLAG_DISCOV : 0);
        ushort timeout = checked((ushort)Math.Ceiling(options.Timeout.TotalSeconds));

        // Instance (1) | Flags (4) | Duration (2) | Timeout (2) | Adv_Data_Len (1) | Scan_Rsp_Len (1) | Adv_Data | Scan_Rsp
        var p = new byte[11 + advertising.Length + scanResponse.Length];
        p[0] = options.Instance;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(1), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(5), 0);   // duration 0: the kernel's default rotation
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(7), timeout);
        p[9] = (byte)advertising.Length;
        p[10] = (byte)scanResponse.Length;
        advertising.CopyTo(p, 11);
        scanResponse.CopyTo(p, 11 + advertising.Length);
        var rsp = await client.SendCommandAsync(MgmtOpcode.MGMT_OP_ADD_ADVERTISING, index, p, cancellationToken).ConfigureAwait(false);
        if (rsp.Length < 1) throw new MgmtProtocolException("Add Advertising returned no instance");
        return new LeAdvertisement(client, ownsClient, index, rsp.Span[0], advertising, scanResponse, logger ?? NullLogger.Instance);
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"hci{ControllerIndex} advertising instance {Instance}");
}
