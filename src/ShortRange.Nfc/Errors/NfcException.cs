using ShortRange.Errors;

namespace ShortRange.Nfc.Errors;

/// <summary>Base of every NFC error the SDK throws on purpose.</summary>
public class NfcException : ShortRangeException
{
    public NfcException(string message) : base(message) { }
    public NfcException(string message, Exception? innerException) : base(message, innerException) { }
}
