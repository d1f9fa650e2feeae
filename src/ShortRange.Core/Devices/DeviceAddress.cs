namespace ShortRange.Devices;

/// <summary>A typed address of a device of one technology. Value equality; used as the discovery key.</summary>
public abstract record DeviceAddress
{
    public abstract Technology Technology { get; }
}
