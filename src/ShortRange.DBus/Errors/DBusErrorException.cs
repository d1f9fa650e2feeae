namespace ShortRange.DBus;

/// <summary>A D-Bus ERROR reply (or an error to send back from a method handler), carrying the D-Bus error name.</summary>
public class DBusErrorException : DBusException
{
    public DBusErrorException(string errorName, string? errorMessage)
        : base($"{errorName}: {errorMessage}")
    {
        ErrorName = errorName;
        ErrorMessage = errorMessage;
    }

    public DBusErrorException() : this("org.freedesktop.DBus.Error.Failed", (string?)null) { }
    public DBusErrorException(string message) : this("org.freedesktop.DBus.Error.Failed", message) { }
    public DBusErrorException(string message, Exception? innerException) : base(message, innerException)
    {
        ErrorName = "org.freedesktop.DBus.Error.Failed";
        ErrorMessage = message;
    }

    /// <summary>The D-Bus error name, e.g. <c>org.freedesktop.DBus.Error.ServiceUnknown</c>.</summary>
    public string ErrorName { get; }

    /// <summary>The first string argument of the error reply, if any.</summary>
    public string? ErrorMessage { get; }
}
