namespace ShortRange.Bluetooth.Advertising;

/// <summary>Which mgmt commands added an <see cref="LeAdvertisement"/> (BlueZ doc/mgmt-api.txt).</summary>
public enum LeAdvertisingCommands
{
    /// <summary>Add Advertising (0x003E): kernels without the extended pair; the kernel's default interval and TX power.</summary>
    AddAdvertising,

    /// <summary>Add Extended Advertising Parameters (0x0054) then Add Extended Advertising Data (0x0055).</summary>
    AddExtendedAdvertising,
}
