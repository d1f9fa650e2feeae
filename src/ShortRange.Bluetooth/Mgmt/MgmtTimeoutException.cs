namespace ShortRange.Bluetooth.Mgmt;

/// <summary>The kernel did not answer a mgmt command within the configured time.</summary>
public class MgmtTimeoutException : BluetoothException
{
    public MgmtTimeoutException(string message) : base(message) { }
}
