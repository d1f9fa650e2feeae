namespace ShortRange.Bluetooth.Att;

/// <summary>Base of every Attribute Protocol failure (malformed PDU, error response, timeout, bearer closed).</summary>
public class AttException : BluetoothException
{
    public AttException() { }
    public AttException(string message) : base(message) { }
    public AttException(string message, Exception? innerException) : base(message, innerException) { }
}
