namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// The advertisement asked for an interval or a TX power, which only mgmt Add Extended Advertising Parameters
/// (0x0054, mgmt 1.19, Linux 5.10) can carry, and this kernel does not list that command.
/// </summary>
public class ExtendedAdvertisingNotSupportedException : BluetoothException
{
    public ExtendedAdvertisingNotSupportedException(string message) : base(message) { }
}
