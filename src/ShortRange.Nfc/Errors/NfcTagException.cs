namespace ShortRange.Nfc.Errors;

/// <summary>A tag refused or garbled a command, is read-only, not NDEF-formatted, or too small for the message.</summary>
public sealed class NfcTagException : NfcException
{
    public NfcTagException(string message) : base(message) { }
}
