namespace ShortRange.Bluetooth.Att;

/// <summary>
/// One ATT PDU (Core 5.4 Vol 3 Part F §3.4). Subtypes are immutable; decoded values are copies, so a PDU outlives the
/// receive buffer it came from. <see cref="AttCodec"/> encodes and decodes them.
/// </summary>
public abstract record AttPdu
{
    public abstract AttOpcode Opcode { get; }
}

/// <summary>One Handle–UUID pair of ATT_FIND_INFORMATION_RSP (§3.4.3.2).</summary>
public readonly record struct AttHandleUuid(ushort Handle, Guid Type);

/// <summary>Found Attribute Handle and Group End Handle of ATT_FIND_BY_TYPE_VALUE_RSP (§3.4.3.4).</summary>
public readonly record struct AttHandleRange(ushort FoundHandle, ushort GroupEndHandle);

/// <summary>An attribute handle and (part of) its value: ATT_READ_BY_TYPE_RSP entries, ATT_MULTIPLE_HANDLE_VALUE_NTF tuples.</summary>
public readonly record struct AttHandleValue(ushort Handle, ReadOnlyMemory<byte> Value);

/// <summary>One entry of ATT_READ_BY_GROUP_TYPE_RSP (§3.4.4.10): a group's first and last handle and its value.</summary>
public readonly record struct AttGroupValue(ushort Handle, ushort EndGroupHandle, ReadOnlyMemory<byte> Value);

/// <summary>Flags of ATT_EXECUTE_WRITE_REQ (§3.4.6.3, Table 3.34).</summary>
public enum AttExecuteWriteFlags : byte
{
    /// <summary>Cancel all prepared writes.</summary>
    Cancel = 0x00,
    /// <summary>Immediately write all pending prepared values.</summary>
    Write = 0x01,
}

/// <summary>An opcode this codec does not know, kept whole so a server can answer Request Not Supported (§3.4.1.1).</summary>
public sealed record AttUnknownPdu(byte RawOpcode, ReadOnlyMemory<byte> Parameters) : AttPdu
{
    public override AttOpcode Opcode => (AttOpcode)RawOpcode;
}
