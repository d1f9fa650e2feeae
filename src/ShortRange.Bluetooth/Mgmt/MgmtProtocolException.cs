namespace ShortRange.Bluetooth.Mgmt;

/// <summary>A mgmt packet or parameter block was truncated or malformed.</summary>
public class MgmtProtocolException : BluetoothException
{
    public MgmtProtocolException(string message) : base(message) { }
}
