using System.Runtime.InteropServices;

namespace ShortRange.LowPan.Errors;

/// <summary>A system call of the LoWPAN module failed; carries the operation and errno (the native failure, if any, as inner exception).</summary>
public sealed class LowPanSystemException : LowPanException
{
    public LowPanSystemException(string operation, int errno, Exception? innerException = null)
        : base($"{operation} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", innerException)
    {
        Operation = operation;
        Errno = errno;
    }

    public string Operation { get; }
    public int Errno { get; }
}
