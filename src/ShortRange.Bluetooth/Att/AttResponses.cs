namespace ShortRange.Bluetooth.Att;

// Server → client PDUs (Core 5.4 Vol 3 Part F §3.4.1–§3.4.7). Section numbers name each PDU's definition.

/// <summary>ATT_ERROR_RSP (§3.4.1.1).</summary>
public sealed record AttErrorResponse(AttOpcode RequestOpcodeInError, ushort AttributeHandleInError, AttErrorCode ErrorCode) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_ERROR_RSP;
}

/// <summary>ATT_EXCHANGE_MTU_RSP (§3.4.2.2).</summary>
public sealed record AttExchangeMtuResponse(ushort ServerRxMtu) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_EXCHANGE_MTU_RSP;
}

/// <summary>ATT_FIND_INFORMATION_RSP (§3.4.3.2): all UUIDs of one response share one size (Format 0x01 or 0x02).</summary>
public sealed record AttFindInformationResponse(IReadOnlyList<AttHandleUuid> Information) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_FIND_INFORMATION_RSP;
}

/// <summary>ATT_FIND_BY_TYPE_VALUE_RSP (§3.4.3.4).</summary>
public sealed record AttFindByTypeValueResponse(IReadOnlyList<AttHandleRange> HandlesInformation) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_FIND_BY_TYPE_VALUE_RSP;
}

/// <summary>ATT_READ_BY_TYPE_RSP (§3.4.4.2): every entry has the same value length.</summary>
public sealed record AttReadByTypeResponse(IReadOnlyList<AttHandleValue> AttributeDataList) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_BY_TYPE_RSP;
}

/// <summary>ATT_READ_RSP (§3.4.4.4).</summary>
public sealed record AttReadResponse(ReadOnlyMemory<byte> AttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_RSP;
}

/// <summary>ATT_READ_BLOB_RSP (§3.4.4.6).</summary>
public sealed record AttReadBlobResponse(ReadOnlyMemory<byte> PartAttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_BLOB_RSP;
}

/// <summary>ATT_READ_MULTIPLE_RSP (§3.4.4.8): the values concatenated; only the client knows where each ends.</summary>
public sealed record AttReadMultipleResponse(ReadOnlyMemory<byte> SetOfValues) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_MULTIPLE_RSP;
}

/// <summary>ATT_READ_BY_GROUP_TYPE_RSP (§3.4.4.10): every entry has the same value length.</summary>
public sealed record AttReadByGroupTypeResponse(IReadOnlyList<AttGroupValue> AttributeDataList) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_BY_GROUP_TYPE_RSP;
}

/// <summary>
/// ATT_READ_MULTIPLE_VARIABLE_RSP (§3.4.4.12): Length Value tuples. The last value may be shorter than its Length
/// field says when the response was cut at ATT_MTU; <see cref="AttributeLengths"/> keeps the announced lengths.
/// </summary>
public sealed record AttReadMultipleVariableResponse(IReadOnlyList<ushort> AttributeLengths, IReadOnlyList<ReadOnlyMemory<byte>> AttributeValues) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_MULTIPLE_VARIABLE_RSP;
}

/// <summary>ATT_WRITE_RSP (§3.4.5.2).</summary>
public sealed record AttWriteResponse : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_WRITE_RSP;
}

/// <summary>ATT_PREPARE_WRITE_RSP (§3.4.6.2): echoes the request so the client can verify it.</summary>
public sealed record AttPrepareWriteResponse(ushort AttributeHandle, ushort ValueOffset, ReadOnlyMemory<byte> PartAttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_PREPARE_WRITE_RSP;
}

/// <summary>ATT_EXECUTE_WRITE_RSP (§3.4.6.4).</summary>
public sealed record AttExecuteWriteResponse : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_EXECUTE_WRITE_RSP;
}

/// <summary>ATT_HANDLE_VALUE_NTF (§3.4.7.1).</summary>
public sealed record AttHandleValueNotification(ushort AttributeHandle, ReadOnlyMemory<byte> AttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_HANDLE_VALUE_NTF;
}

/// <summary>ATT_HANDLE_VALUE_IND (§3.4.7.2).</summary>
public sealed record AttHandleValueIndication(ushort AttributeHandle, ReadOnlyMemory<byte> AttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_HANDLE_VALUE_IND;
}

/// <summary>ATT_MULTIPLE_HANDLE_VALUE_NTF (§3.4.7.4): Handle Length Value tuples, never truncated.</summary>
public sealed record AttMultipleHandleValueNotification(IReadOnlyList<AttHandleValue> HandleLengthValueTupleList) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_MULTIPLE_HANDLE_VALUE_NTF;
}
