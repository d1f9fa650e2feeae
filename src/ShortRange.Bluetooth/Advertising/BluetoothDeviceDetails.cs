namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// What a device advertised (EIR for BR/EDR inquiry, AD for LE), decoded by <see cref="AdvertisingDataParser"/>.
/// The object is <c>DeviceSighting.Details</c> for Bluetooth sightings. Equality is over the raw bytes and the
/// mgmt flags, from which every other property is derived.
/// </summary>
public sealed class BluetoothDeviceDetails : IEquatable<BluetoothDeviceDetails>
{
    internal BluetoothDeviceDetails(byte[] raw, uint mgmtFlags) { Raw = raw; MgmtFlags = mgmtFlags; }

    /// <summary>The EIR/AD bytes as received.</summary>
    public ReadOnlyMemory<byte> Raw { get; }

    /// <summary>Device Found flags: bit 0 Confirm name, bit 1 Legacy pairing, bit 2 Not connectable.</summary>
    public uint MgmtFlags { get; }

    public byte? Flags { get; internal set; }
    public string? ShortName { get; internal set; }
    public string? CompleteName { get; internal set; }
    public string? Name => CompleteName ?? ShortName;
    public IReadOnlyList<Guid> ServiceUuids { get; internal set; } = [];
    /// <summary>True when some UUID list was marked incomplete.</summary>
    public bool ServiceUuidsIncomplete { get; internal set; }
    public sbyte? TxPower { get; internal set; }
    public uint? ClassOfDevice { get; internal set; }
    public ushort? Appearance { get; internal set; }
    /// <summary>Manufacturer Specific Data by Company Identifier.</summary>
    public IReadOnlyDictionary<ushort, byte[]> ManufacturerData { get; internal set; } = new Dictionary<ushort, byte[]>();
    public IReadOnlyDictionary<Guid, byte[]> ServiceData { get; internal set; } = new Dictionary<Guid, byte[]>();

    public bool Equals(BluetoothDeviceDetails? other) =>
        other is not null && MgmtFlags == other.MgmtFlags && Raw.Span.SequenceEqual(other.Raw.Span);

    public override bool Equals(object? obj) => Equals(obj as BluetoothDeviceDetails);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(MgmtFlags);
        h.AddBytes(Raw.Span);
        return h.ToHashCode();
    }
}
