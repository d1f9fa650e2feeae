using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// Thrown by a server's read or write handler to answer with a specific ATT error, e.g. an application error
/// 0x80–0x9F or Value Not Allowed (Core 5.4 Vol 3 Part F §3.4.1.1).
/// </summary>
public sealed class GattErrorException : AttException
{
    public GattErrorException() { }
    public GattErrorException(string message) : base(message) { }
    public GattErrorException(string message, Exception? innerException) : base(message, innerException) { }
    public GattErrorException(AttErrorCode errorCode) : base($"ATT error {errorCode}") => ErrorCode = errorCode;

    public AttErrorCode ErrorCode { get; } = AttErrorCode.UnlikelyError;

    /// <summary>The attribute handle reported in the error response (the server fills it in when the handler leaves it 0).</summary>
    public ushort Handle { get; init; }
}
