namespace ShortRange.Nfc.Errors;

/// <summary>Malformed NDEF input; <see cref="Offset"/> is the byte offset where decoding failed.</summary>
public sealed class NdefFormatException : NfcException
{
    public NdefFormatException(string message, int offset) : base($"{message} (at offset {offset})") => Offset = offset;

    public int Offset { get; }
}
