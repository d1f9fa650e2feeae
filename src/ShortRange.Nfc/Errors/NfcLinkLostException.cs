using ShortRange.Linux.Sockets;

namespace ShortRange.Nfc.Errors;

/// <summary>
/// The NFC-DEP link under an LLCP connection went down while the connection was in use: the peer left the field, was
/// powered off, or stopped answering for longer than the link timeout (the kernel logs "SYMM timeout" and brings the link
/// down, net/nfc/llcp_core.c). Every LLCP socket on that link is closed by the kernel; to recover, bring the DEP link up
/// again (<see cref="Netlink.NfcDepLinker.PollAndLinkUpAsync"/>) and reconnect. <see cref="NfcSocketException.ErrorNumber"/>
/// is ENOTCONN, so code that handles a closed connection generically still catches it.
/// </summary>
public sealed class NfcLinkLostException : NfcSocketException
{
    public NfcLinkLostException(string operation, uint deviceIndex, string context, Exception? innerException = null)
        : base(operation, Errno.ENOTCONN,
            $"the NFC-DEP link of nfc{deviceIndex} went down under {context} (peer gone or link timeout); bring the link up again and reconnect",
            innerException)
    {
        DeviceIndex = deviceIndex;
    }

    /// <summary>The local NFC device whose DEP link went down.</summary>
    public uint DeviceIndex { get; }
}
