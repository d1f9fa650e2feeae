namespace ShortRange.Bluetooth.Bnep;

/// <summary>A BNEP operation failed: a kernel ioctl (with errno), a setup timeout or a closed channel.</summary>
public sealed class BnepException : BluetoothException
{
    public BnepException() { }
    public BnepException(string message) : base(message) { }
    public BnepException(string message, Exception? innerException) : base(message, innerException) { }

    public BnepException(string operation, int errorNumber, Exception? innerException = null)
        : base($"{operation} failed: {ShortRange.Linux.Sockets.Errno.Name(errorNumber)} ({ShortRange.Linux.Sockets.Errno.Describe(errorNumber)})", innerException)
    {
        Operation = operation;
        ErrorNumber = errorNumber;
    }

    /// <summary>The operation, e.g. "BNEPCONNADD" or "setup".</summary>
    public string? Operation { get; }

    /// <summary>errno, or 0 when not a kernel error.</summary>
    public int ErrorNumber { get; }
}
