namespace ShortRange.Nfc.Errors;

/// <summary>An "nfc" generic-netlink message lacks a mandatory attribute or carries an out-of-range value.</summary>
public sealed class NfcNetlinkFormatException : NfcException
{
    public NfcNetlinkFormatException(string message) : base(message) { }
}
