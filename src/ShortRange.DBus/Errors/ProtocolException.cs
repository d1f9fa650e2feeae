namespace ShortRange.DBus;

/// <summary>A malformed, hostile or over-limit message or handshake (D-Bus specification violation).</summary>
public class ProtocolException : DBusException
{
    public ProtocolException() { }
    public ProtocolException(string message) : base(message) { }
    public ProtocolException(string message, Exception? innerException) : base(message, innerException) { }
}
