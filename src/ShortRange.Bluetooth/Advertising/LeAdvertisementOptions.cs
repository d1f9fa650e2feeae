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

    /// <summary>Connectable undirected advertising (ADV_IND) when true, ADV_SCAN_IND/ADV_NONCONN_IND when false.</summary>
    public bool Connectable { get; init; } = true;

    /// <summary>LE General Discoverable: the kernel adds the Flags AD structure.</summary>
    public bool Discoverable { get; init; } = true;

    /// <summary>Advertising instance (1…Max_Instances of Read Advertising Features).</summary>
    public byte Instance { get; init; } = 1;

    /// <summary>How long the kernel advertises before removing the instance itself; zero for until disposed.</summary>
    public TimeSpan Timeout { get; init; }
}
