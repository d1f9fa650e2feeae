namespace ShortRange.DBus;

/// <summary>The connection is closed; <see cref="Exception.InnerException"/> is the first close reason.</summary>
public class DisconnectedException : DBusException
{
    public DisconnectedException() : base("The D-Bus connection is closed.") { }
    public DisconnectedException(string message) : base(message) { }
    public DisconnectedException(string message, Exception? innerException) : base(message, innerException) { }
    public DisconnectedException(Exception? innerException)
        : base("The D-Bus connection is closed" + (innerException is null ? "." : ": " + innerException.Message), innerException) { }
}
