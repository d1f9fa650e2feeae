namespace ShortRange.Nfc.Errors;

/// <summary>Malformed or refused SNEP exchange; <see cref="Code"/> is the SNEP response code when the peer sent one.</summary>
public sealed class SnepProtocolException : NfcException
{
    public SnepProtocolException(string message, byte? code = null) : base(message) => Code = code;

    public byte? Code { get; }
}
