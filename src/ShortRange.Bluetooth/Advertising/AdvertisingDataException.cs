namespace ShortRange.Bluetooth.Advertising;

/// <summary>EIR / advertising data was truncated or an AD structure had an impossible length.</summary>
public class AdvertisingDataException : BluetoothException
{
    public AdvertisingDataException(string message) : base(message) { }
}
