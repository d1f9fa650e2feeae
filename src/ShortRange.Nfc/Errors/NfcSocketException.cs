using ShortRange.Linux.Sockets;

namespace ShortRange.Nfc.Errors;

/// <summary>
/// An AF_NFC socket operation (raw or LLCP) failed. Carries the operation ("connect", "bind", "send"…), errno and its
/// name, and a sentence that says what it means for NFC (ENOLINK: no DEP link; ENXIO: the peer refused or dropped the
/// connection; EADDRINUSE: the service name is taken; ENODEV: no such device). <see cref="NfcLinkLostException"/> is the
/// case where the NFC-DEP link under an LLCP connection went down.
/// </summary>
public class NfcSocketException : NfcException
{
    public NfcSocketException(string operation, int errorNumber, string message, Exception? innerException = null)
        : base($"{operation}: {message} ({NameOf(errorNumber)})", innerException)
    {
        Operation = operation;
        ErrorNumber = errorNumber;
    }

    public string Operation { get; }

    /// <summary>errno (0 when the failure is not a kernel error, e.g. the connection closed).</summary>
    public int ErrorNumber { get; }

    /// <summary>Symbolic errno ("ENOLINK").</summary>
    public string ErrorName => NameOf(ErrorNumber);

    // ENOLINK and EBADFD (asm-generic/errno.h) are not in the shared table but are LLCP's everyday errors.
    private static string NameOf(int errno) => errno switch
    {
        67 => "ENOLINK",
        77 => "EBADFD",
        _ => Errno.Name(errno),
    };
}
