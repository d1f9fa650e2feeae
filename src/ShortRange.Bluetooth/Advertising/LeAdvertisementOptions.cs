namespace ShortRange.Bluetooth.Advertising;

/// <summary>What <c>LeAdvertisement.StartAsync</c> advertises.</summary>
public sealed class LeAdvertisementOptions
{
    /// <summary>Complete Local Name in the advertising data (or the scan response when it does not fit); null for none.</summary>
    public string? Name { get; init; }

    /// <summary>Service UUIDs (16-bit aliases travel as 16-bit, the rest as 128-bit).</summary>
    public IReadOnlyList<Guid> ServiceUuids { get; init; } = [];

    /// <summary>Manufacturer Specific Data by company identifier.</summary>
    public IReadOnlyDictionary<ushort, byte[]> ManufacturerData { get; init; } = new Dictionary<ushort, byte[]>();

    /// <summary>
    /// Connectable undirected advertising (ADV_IND) when true, ADV_SCAN_IND/ADV_NONCONN_IND when false — the latter only
    /// while the controller's Connectable setting is off (see <c>LeAdvertisement.Connectable</c>).
    /// </summary>
    public bool Connectable { get; init; } = true;

    /// <summary>LE General Discoverable: the kernel adds the Flags AD structure.</summary>
    public bool Discoverable { get; init; } = true;

    /// <summary>Advertising instance (1…Max_Instances of Read Advertising Features).</summary>
    public byte Instance { get; init; } = 1;

    /// <summary>How long the kernel advertises before removing the instance itself; zero for until disposed.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>
    /// Shortest advertising interval (0.625 ms slots, rounded to the nearest; 20 ms to 10,485.76 s as mgmt accepts,
    /// Core Vol 4 Part E §7.8.53; legacy controllers take at most 10.24 s, §7.8.5). Null for the kernel's default;
    /// when only one of the pair is set the other takes its value. Needs mgmt Add Extended Advertising Parameters.
    /// </summary>
    public TimeSpan? MinInterval { get; init; }

    /// <summary>Longest advertising interval; see <see cref="MinInterval"/>.</summary>
    public TimeSpan? MaxInterval { get; init; }

    /// <summary>
    /// Requested TX power in dBm, −127 to +20 (Core Vol 4 Part E §7.8.53); the controller picks a power up to it
    /// and <c>LeAdvertisement.SelectedTxPower</c> reports it. Null for no preference. Needs mgmt Add Extended
    /// Advertising Parameters.
    /// </summary>
    public sbyte? TxPower { get; init; }

    /// <summary>Whether an interval or a TX power was asked for (only the extended mgmt commands carry them).</summary>
    internal bool NeedsExtendedParameters => MinInterval is not null || MaxInterval is not null || TxPower is not null;

    /// <summary>(Min, Max) in 0.625 ms slots, or null for the kernel's default; bad values throw ArgumentOutOfRangeException.</summary>
    internal (uint Min, uint Max)? IntervalUnits()
    {
        if (MinInterval is null && MaxInterval is null) return null;
        uint min = Mgmt.MgmtAdvertising.IntervalUnits((MinInterval ?? MaxInterval)!.Value, nameof(MinInterval));
        uint max = Mgmt.MgmtAdvertising.IntervalUnits((MaxInterval ?? MinInterval)!.Value, nameof(MaxInterval));
        if (min > max) throw new ArgumentOutOfRangeException(nameof(MaxInterval), MaxInterval, "MaxInterval is shorter than MinInterval");
        return (min, max);
    }

    internal void CheckTxPower()
    {
        if (TxPower is { } p && (p < Mgmt.MgmtAdvertising.MinTxPower || p > Mgmt.MgmtAdvertising.MaxTxPower))
            throw new ArgumentOutOfRangeException(nameof(TxPower), p, "TX power is -127 to +20 dBm");
    }
}
