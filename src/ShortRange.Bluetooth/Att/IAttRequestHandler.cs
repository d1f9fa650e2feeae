namespace ShortRange.Bluetooth.Att;

/// <summary>
/// Answers the peer's requests and takes its commands and confirmations on a bearer (the GATT server side).
/// Called one PDU at a time in arrival order; ATT_EXCHANGE_MTU_REQ is handled by the bearer itself.
/// </summary>
public interface IAttRequestHandler
{
    /// <summary>The response for a request (null answers Unlikely Error); ignored for commands and confirmations.</summary>
    ValueTask<AttPdu?> HandleAsync(AttBearer bearer, AttPdu pdu, CancellationToken cancellationToken);
}

/// <summary>A server with no attributes: discovery finds nothing (Attribute Not Found), everything else is Invalid Handle.</summary>
public sealed class AttNoDatabaseHandler : IAttRequestHandler
{
    public static AttNoDatabaseHandler Instance { get; } = new();

    public ValueTask<AttPdu?> HandleAsync(AttBearer bearer, AttPdu pdu, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        AttPdu? reply = pdu switch
        {
            AttFindInformationRequest r => new AttErrorResponse(pdu.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound),
            AttFindByTypeValueRequest r => new AttErrorResponse(pdu.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound),
            AttReadByTypeRequest r => new AttErrorResponse(pdu.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound),
            AttReadByGroupTypeRequest r => new AttErrorResponse(pdu.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound),
            AttReadRequest r => new AttErrorResponse(pdu.Opcode, r.AttributeHandle, AttErrorCode.InvalidHandle),
            AttReadBlobRequest r => new AttErrorResponse(pdu.Opcode, r.AttributeHandle, AttErrorCode.InvalidHandle),
            AttWriteRequest r => new AttErrorResponse(pdu.Opcode, r.AttributeHandle, AttErrorCode.InvalidHandle),
            AttPrepareWriteRequest r => new AttErrorResponse(pdu.Opcode, r.AttributeHandle, AttErrorCode.InvalidHandle),
            _ => new AttErrorResponse(pdu.Opcode, 0, AttErrorCode.RequestNotSupported),
        };
        return ValueTask.FromResult<AttPdu?>(reply);
    }
}
