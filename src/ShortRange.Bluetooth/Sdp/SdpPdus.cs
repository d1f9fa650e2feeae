namespace ShortRange.Bluetooth.Sdp;

/// <summary>PDU IDs (Core spec Vol 3 Part B §4.2, Table 4.1).</summary>
public enum SdpPduId : byte
{
    ErrorResponse = 0x01,
    ServiceSearchRequest = 0x02,
    ServiceSearchResponse = 0x03,
    ServiceAttributeRequest = 0x04,
    ServiceAttributeResponse = 0x05,
    ServiceSearchAttributeRequest = 0x06,
    ServiceSearchAttributeResponse = 0x07,
}

/// <summary>An attribute ID or inclusive range of IDs in an AttributeIDList (§4.6.1): one ID encodes as uint16, a range as uint32.</summary>
public readonly record struct SdpAttributeRange(ushort First, ushort Last)
{
    /// <summary>0x0000–0xFFFF: every attribute.</summary>
    public static SdpAttributeRange All => new(0x0000, 0xFFFF);

    public static SdpAttributeRange Single(ushort id) => new(id, id);

    public bool Contains(ushort id) => id >= First && id <= Last;
}

/// <summary>
/// The ContinuationState parameter (§4.3): InfoLength (0–16) then that many bytes the server chose. Empty means "complete".
/// </summary>
public readonly record struct SdpContinuationState(ReadOnlyMemory<byte> Info)
{
    /// <summary>Largest InfoLength the spec allows.</summary>
    public const int MaxInfoLength = 16;

    public bool IsEmpty => Info.IsEmpty;

    public static SdpContinuationState None => default;

    public bool Equals(SdpContinuationState other) => Info.Span.SequenceEqual(other.Info.Span);

    public override int GetHashCode() => Info.Length;

    public override string ToString() => IsEmpty ? "none" : Convert.ToHexString(Info.Span);
}

/// <summary>A decoded request or response PDU. <see cref="TransactionId"/> pairs a response with its request (§4.2).</summary>
public abstract record SdpPdu(ushort TransactionId)
{
    public abstract SdpPduId PduId { get; }
}

/// <summary>SDP_ErrorResponse (§4.4.1).</summary>
public sealed record SdpErrorResponse(ushort TransactionId, SdpErrorCode ErrorCode) : SdpPdu(TransactionId)
{
    public override SdpPduId PduId => SdpPduId.ErrorResponse;
}

/// <summary>SDP_ServiceSearchRequest (§4.5.1): records whose attributes contain every UUID of the pattern (1–12 UUIDs).</summary>
public sealed record SdpServiceSearchRequest(ushort TransactionId, IReadOnlyList<Guid> Pattern, ushort MaximumServiceRecordCount,
    SdpContinuationState Continuation) : SdpPdu(TransactionId)
{
    public override SdpPduId PduId => SdpPduId.ServiceSearchRequest;
}

/// <summary>SDP_ServiceSearchResponse (§4.5.2): a fragment of the handle list.</summary>
public sealed record SdpServiceSearchResponse(ushort TransactionId, ushort TotalServiceRecordCount, IReadOnlyList<uint> Handles,
    SdpContinuationState Continuation) : SdpPdu(TransactionId)
{
    public override SdpPduId PduId => SdpPduId.ServiceSearchResponse;
}

/// <summary>SDP_ServiceAttributeRequest (§4.6.1).</summary>
public sealed record SdpServiceAttributeRequest(ushort TransactionId, uint ServiceRecordHandle, ushort MaximumAttributeByteCount,
    IReadOnlyList<SdpAttributeRange> AttributeIds, SdpContinuationState Continuation) : SdpPdu(TransactionId)
{
    public override SdpPduId PduId => SdpPduId.ServiceAttributeRequest;
}

/// <summary>SDP_ServiceSearchAttributeRequest (§4.7.1).</summary>
public sealed record SdpServiceSearchAttributeRequest(ushort TransactionId, IReadOnlyList<Guid> Pattern, ushort MaximumAttributeByteCount,
    IReadOnlyList<SdpAttributeRange> AttributeIds, SdpContinuationState Continuation) : SdpPdu(TransactionId)
{
    public override SdpPduId PduId => SdpPduId.ServiceSearchAttributeRequest;
}

/// <summary>
/// SDP_ServiceAttributeResponse (§4.6.2) or SDP_ServiceSearchAttributeResponse (§4.7.2): one fragment of the attribute
/// list(s); the fragments concatenated form one data element.
/// </summary>
public sealed record SdpAttributeResponse(ushort TransactionId, bool SearchAttribute, ReadOnlyMemory<byte> Fragment,
    SdpContinuationState Continuation) : SdpPdu(TransactionId)
{
    public override SdpPduId PduId => SearchAttribute ? SdpPduId.ServiceSearchAttributeResponse : SdpPduId.ServiceAttributeResponse;
}
