using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Sockets;

/// <summary>Turns errno from AF_NFC calls into <see cref="NfcSocketException"/> with an NFC-specific sentence.</summary>
internal static class NfcSocketErrors
{
    /// <summary>ENOLINK (asm-generic/errno.h); not in <see cref="Errno"/>'s table.</summary>
    public const int ENOLINK = 67;

    /// <summary>EBADFD (asm-generic/errno.h): LLCP bind/listen/accept on a socket in the wrong state.</summary>
    public const int EBADFD = 77;

    public static NfcSocketException From(string operation, int errno, string context, Exception? inner = null) =>
        new(operation, errno, Describe(errno, context), inner);

    public static NfcSocketException From(string operation, NativeSocketException e, string context) =>
        e.ErrorNumber > 0 ? From(operation, e.ErrorNumber, context, e)
        : new NfcSocketException(operation, 0, $"{context} failed: {e.Message}", e);

    /// <summary>
    /// From a runtime SocketException: its NativeErrorCode is errno only for values the runtime knows (ENOTCONN,
    /// ETIMEDOUT, ENOBUFS…); others come back negative and are reported as errno 0 with the runtime's text.
    /// </summary>
    public static NfcSocketException From(string operation, SocketException e, string context) =>
        e.NativeErrorCode > 0 ? From(operation, e.NativeErrorCode, context, e)
        : new NfcSocketException(operation, 0, $"{context} failed: {e.Message}", e);

    private static string Describe(int errno, string context) => errno switch
    {
        ENOLINK => $"no NFC-DEP link is up for {context} (poll, find the peer and bring the DEP link up first)",
        Errno.ENXIO => $"the peer refused or dropped the LLCP connection to {context} (DM)",
        Errno.EADDRINUSE => $"{context} is already bound on this device",
        Errno.ENODEV => $"no such NFC device for {context} (or it is gone)",
        Errno.ENETDOWN => $"the NFC device for {context} has no RF link",
        Errno.ENOTCONN => $"the LLCP connection {context} is closed (the peer disconnected or the DEP link went down)",
        Errno.ETIMEDOUT => $"{context} did not answer in time",
        Errno.EINVAL => $"the kernel rejected the address or state for {context}",
        Errno.EBUSY => $"the NFC device for {context} is busy",
        Errno.ENOBUFS => $"the LLCP send queue for {context} is full",
        EBADFD => $"the socket for {context} is in the wrong state",
        _ => $"{context} failed: {Errno.Describe(errno)}",
    };
}
