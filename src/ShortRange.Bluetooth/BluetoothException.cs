using ShortRange.Errors;

namespace ShortRange.Bluetooth;

/// <summary>Base of every Bluetooth failure the SDK raises on purpose.</summary>
public class BluetoothException : ShortRangeException
{
    public BluetoothException() { }
    public BluetoothException(string message) : base(message) { }
    public BluetoothException(string message, Exception? innerException) : base(message, innerException) { }
}
