using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth;

/// <summary>Options of the Bluetooth module (<c>AddBluetooth(o => …)</c>).</summary>
public sealed class BluetoothOptions
{
    /// <summary>Controller to scan with ("hci0"); null picks the first powered controller (else the first one).</summary>
    public string? Adapter { get; set; }

    /// <summary>Which transports discovery covers (mgmt Start Discovery address-type mask).</summary>
    public DiscoveryAddressTypes DiscoveryTypes { get; set; } = DiscoveryAddressTypes.All;

    /// <summary>Power the controller on when a scan starts and it is off.</summary>
    public bool PowerOnForScan { get; set; } = true;

    /// <summary>Only report devices advertising one of these service UUIDs (empty: all).</summary>
    public IList<Guid> ServiceUuids { get; } = [];

    /// <summary>Only report sightings at least this strong (dBm).</summary>
    public int? MinimumRssi { get; set; }

    /// <summary>Only report devices whose name contains this text (ordinal, case-insensitive).</summary>
    public string? NameContains { get; set; }

    /// <summary>Time to wait for the kernel to answer a mgmt command.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Directory of the bond store; null disables persistence.</summary>
    public string? BondStorePath { get; set; }

    /// <summary>How mgmt channels are opened. Tests substitute an in-memory transport.</summary>
    public Func<IMgmtTransport> TransportFactory { get; set; } = MgmtSocketTransport.Open;
}
