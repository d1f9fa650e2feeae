namespace ShortRange.Bluetooth.Hci;

/// <summary>An HCI packet or parameter block was truncated or malformed.</summary>
public class HciFormatException : BluetoothException
{
    public HciFormatException(string message) : base(message) { }
}
