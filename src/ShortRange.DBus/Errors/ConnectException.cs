namespace ShortRange.DBus;

/// <summary>Connecting, authenticating or saying Hello to the bus failed.</summary>
public class ConnectException : DBusException
{
    public ConnectException() { }
    public ConnectException(string message) : base(message) { }
    public ConnectException(string message, Exception? innerException) : base(message, innerException) { }
}
