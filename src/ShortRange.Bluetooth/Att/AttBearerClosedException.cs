namespace ShortRange.Bluetooth.Att;

/// <summary>
/// The ATT bearer ended before the operation completed: link loss, remote disconnect, controller removed, local
/// dispose or an earlier transaction timeout. <see cref="Exception.InnerException"/> carries the first cause.
/// </summary>
public sealed class AttBearerClosedException : AttException
{
    public AttBearerClosedException() { }
    public AttBearerClosedException(string message) : base(message) { }
    public AttBearerClosedException(string message, Exception? innerException) : base(message, innerException) { }
}
