namespace ShortRange.Bluetooth.Att;

/// <summary>The server answered a request with ATT_ERROR_RSP (Core 5.4 Vol 3 Part F §3.4.1.1).</summary>
public sealed class AttErrorResponseException : AttException
{
    public AttErrorResponseException() { }
    public AttErrorResponseException(string message) : base(message) { }
    public AttErrorResponseException(string message, Exception? innerException) : base(message, innerException) { }

    public AttErrorResponseException(AttErrorResponse response)
        : base($"{response?.RequestOpcodeInError} on handle 0x{response?.AttributeHandleInError:X4} failed: {response?.ErrorCode}") =>
        Response = response ?? throw new ArgumentNullException(nameof(response));

    /// <summary>The error response as received.</summary>
    public AttErrorResponse? Response { get; }

    public AttErrorCode? ErrorCode => Response?.ErrorCode;
}
