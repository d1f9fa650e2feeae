using ShortRange.Errors;

namespace ShortRange.Linux.Sockets;

/// <summary>A native socket call failed. Carries the operation ("socket", "bind", …), the kernel address family and errno.</summary>
public class NativeSocketException : ShortRangeException
{
    public NativeSocketException(string operation, int addressFamily, int errno, Exception? innerException = null)
        : this(operation, addressFamily, errno,
            $"{operation} on {LinuxAddressFamily.Name(addressFamily)} failed: {Errno.Name(errno)} ({Errno.Describe(errno)})", innerException)
    {
    }

    protected NativeSocketException(string operation, int addressFamily, int errno, string message, Exception? innerException)
        : base(message, innerException)
    {
        Operation = operation;
        AddressFamily = addressFamily;
        ErrorNumber = errno;
    }

    public string Operation { get; }

    /// <summary>Kernel address family (<see cref="LinuxAddressFamily"/>).</summary>
    public int AddressFamily { get; }

    /// <summary>errno.</summary>
    public int ErrorNumber { get; }

    /// <summary>Symbolic errno ("EAFNOSUPPORT").</summary>
    public string ErrorName => Errno.Name(ErrorNumber);
}
