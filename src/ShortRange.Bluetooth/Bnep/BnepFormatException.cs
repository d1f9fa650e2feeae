namespace ShortRange.Bluetooth.Bnep;

/// <summary>A malformed BNEP packet (truncated, hostile length, wrong type); never an overrun or an allocation from a length field.</summary>
public sealed class BnepFormatException : BluetoothException
{
    public BnepFormatException() { }
    public BnepFormatException(string message) : base(message) { }
    public BnepFormatException(string message, Exception? innerException) : base(message, innerException) { }
}
