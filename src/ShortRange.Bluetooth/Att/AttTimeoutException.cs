namespace ShortRange.Bluetooth.Att;

/// <summary>
/// No response within the ATT transaction timeout (30 s, Core 5.4 Vol 3 Part F §3.3.3). The spec forbids further
/// PDUs on that bearer, so it is closed: every later operation fails with <see cref="AttBearerClosedException"/>.
/// </summary>
public sealed class AttTimeoutException : AttException
{
    public AttTimeoutException() { }
    public AttTimeoutException(string message) : base(message) { }
    public AttTimeoutException(string message, Exception? innerException) : base(message, innerException) { }
}
