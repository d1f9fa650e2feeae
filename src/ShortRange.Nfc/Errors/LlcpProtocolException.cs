namespace ShortRange.Nfc.Errors;

/// <summary>Malformed LLCP PDU or parameter.</summary>
public sealed class LlcpProtocolException : NfcException
{
    public LlcpProtocolException(string message) : base(message) { }
}
