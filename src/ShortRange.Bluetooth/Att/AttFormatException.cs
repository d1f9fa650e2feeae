namespace ShortRange.Bluetooth.Att;

/// <summary>
/// A malformed ATT PDU: truncated, wrong length for its opcode, a list that does not divide into whole entries or an
/// invalid format field. A server answers it with ATT_ERROR_RSP Invalid PDU (Core 5.4 Vol 3 Part F §3.4.1.1).
/// </summary>
public sealed class AttFormatException : AttException
{
    public AttFormatException() { }
    public AttFormatException(string message) : base(message) { }
    public AttFormatException(string message, Exception? innerException) : base(message, innerException) { }
}
