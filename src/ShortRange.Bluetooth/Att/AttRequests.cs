namespace ShortRange.Bluetooth.Att;

// Client → server PDUs (Core 5.4 Vol 3 Part F §3.4.2–§3.4.6). Section numbers name each PDU's definition.

/// <summary>ATT_EXCHANGE_MTU_REQ (§3.4.2.1).</summary>
public sealed record AttExchangeMtuRequest(ushort ClientRxMtu) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_EXCHANGE_MTU_REQ;
}

/// <summary>ATT_FIND_INFORMATION_REQ (§3.4.3.1).</summary>
public sealed record AttFindInformationRequest(ushort StartingHandle, ushort EndingHandle) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_FIND_INFORMATION_REQ;
}

/// <summary>ATT_FIND_BY_TYPE_VALUE_REQ (§3.4.3.3): the type is always a 16-bit UUID.</summary>
public sealed record AttFindByTypeValueRequest(ushort StartingHandle, ushort EndingHandle, ushort AttributeType, ReadOnlyMemory<byte> AttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_FIND_BY_TYPE_VALUE_REQ;
}

/// <summary>ATT_READ_BY_TYPE_REQ (§3.4.4.1).</summary>
public sealed record AttReadByTypeRequest(ushort StartingHandle, ushort EndingHandle, Guid AttributeType) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_BY_TYPE_REQ;
}

/// <summary>ATT_READ_REQ (§3.4.4.3).</summary>
public sealed record AttReadRequest(ushort AttributeHandle) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_REQ;
}

/// <summary>ATT_READ_BLOB_REQ (§3.4.4.5).</summary>
public sealed record AttReadBlobRequest(ushort AttributeHandle, ushort ValueOffset) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_BLOB_REQ;
}

/// <summary>ATT_READ_MULTIPLE_REQ (§3.4.4.7): two or more handles.</summary>
public sealed record AttReadMultipleRequest(IReadOnlyList<ushort> SetOfHandles) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_MULTIPLE_REQ;
}

/// <summary>ATT_READ_BY_GROUP_TYPE_REQ (§3.4.4.9).</summary>
public sealed record AttReadByGroupTypeRequest(ushort StartingHandle, ushort EndingHandle, Guid AttributeGroupType) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_BY_GROUP_TYPE_REQ;
}

/// <summary>ATT_READ_MULTIPLE_VARIABLE_REQ (§3.4.4.11): two or more handles.</summary>
public sealed record AttReadMultipleVariableRequest(IReadOnlyList<ushort> SetOfHandles) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_READ_MULTIPLE_VARIABLE_REQ;
}

/// <summary>ATT_WRITE_REQ (§3.4.5.1).</summary>
public sealed record AttWriteRequest(ushort AttributeHandle, ReadOnlyMemory<byte> AttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_WRITE_REQ;
}

/// <summary>ATT_WRITE_CMD (§3.4.5.3).</summary>
public sealed record AttWriteCommand(ushort AttributeHandle, ReadOnlyMemory<byte> AttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_WRITE_CMD;
}

/// <summary>ATT_SIGNED_WRITE_CMD (§3.4.5.4): value followed by a 12-octet Authentication Signature.</summary>
public sealed record AttSignedWriteCommand(ushort AttributeHandle, ReadOnlyMemory<byte> AttributeValue, ReadOnlyMemory<byte> AuthenticationSignature) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_SIGNED_WRITE_CMD;
}

/// <summary>ATT_PREPARE_WRITE_REQ (§3.4.6.1).</summary>
public sealed record AttPrepareWriteRequest(ushort AttributeHandle, ushort ValueOffset, ReadOnlyMemory<byte> PartAttributeValue) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_PREPARE_WRITE_REQ;
}

/// <summary>ATT_EXECUTE_WRITE_REQ (§3.4.6.3).</summary>
public sealed record AttExecuteWriteRequest(AttExecuteWriteFlags Flags) : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_EXECUTE_WRITE_REQ;
}

/// <summary>ATT_HANDLE_VALUE_CFM (§3.4.7.3): the client's answer to an indication.</summary>
public sealed record AttHandleValueConfirmation : AttPdu
{
    public override AttOpcode Opcode => AttOpcode.ATT_HANDLE_VALUE_CFM;
}
