namespace ShortRange.DBus;

/// <summary>Base of every exception thrown by ShortRange.DBus (derives from <see cref="Exception"/> so the package stays standalone).</summary>
public class DBusException : Exception
{
    public DBusException() { }
    public DBusException(string message) : base(message) { }
    public DBusException(string message, Exception? innerException) : base(message, innerException) { }
}
