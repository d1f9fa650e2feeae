namespace ShortRange.Bluetooth.Att;

/// <summary>
/// ATT PDU opcodes with their Core spec names (Core 5.4 Vol 3 Part F §3.4.8, Table 3.37). Bit 6 is the Command
/// Flag and bit 7 the Authentication Signature Flag (§3.3.1); every request's response is its opcode + 1.
/// </summary>
public enum AttOpcode : byte
{
    ATT_ERROR_RSP = 0x01,
    ATT_EXCHANGE_MTU_REQ = 0x02,
    ATT_EXCHANGE_MTU_RSP = 0x03,
    ATT_FIND_INFORMATION_REQ = 0x04,
    ATT_FIND_INFORMATION_RSP = 0x05,
    ATT_FIND_BY_TYPE_VALUE_REQ = 0x06,
    ATT_FIND_BY_TYPE_VALUE_RSP = 0x07,
    ATT_READ_BY_TYPE_REQ = 0x08,
    ATT_READ_BY_TYPE_RSP = 0x09,
    ATT_READ_REQ = 0x0A,
    ATT_READ_RSP = 0x0B,
    ATT_READ_BLOB_REQ = 0x0C,
    ATT_READ_BLOB_RSP = 0x0D,
    ATT_READ_MULTIPLE_REQ = 0x0E,
    ATT_READ_MULTIPLE_RSP = 0x0F,
    ATT_READ_BY_GROUP_TYPE_REQ = 0x10,
    ATT_READ_BY_GROUP_TYPE_RSP = 0x11,
    ATT_WRITE_REQ = 0x12,
    ATT_WRITE_RSP = 0x13,
    ATT_PREPARE_WRITE_REQ = 0x16,
    ATT_PREPARE_WRITE_RSP = 0x17,
    ATT_EXECUTE_WRITE_REQ = 0x18,
    ATT_EXECUTE_WRITE_RSP = 0x19,
    ATT_READ_MULTIPLE_VARIABLE_REQ = 0x20,
    ATT_READ_MULTIPLE_VARIABLE_RSP = 0x21,
    ATT_MULTIPLE_HANDLE_VALUE_NTF = 0x23,
    ATT_HANDLE_VALUE_NTF = 0x1B,
    ATT_HANDLE_VALUE_IND = 0x1D,
    ATT_HANDLE_VALUE_CFM = 0x1E,
    ATT_WRITE_CMD = 0x52,
    ATT_SIGNED_WRITE_CMD = 0xD2,
}

/// <summary>Who sends a PDU and whether it is answered (Core 5.4 Vol 3 Part F §3.3 and §3.4.8).</summary>
public enum AttPduKind
{
    /// <summary>Client → server, answered by one response or an ATT_ERROR_RSP; one outstanding at a time (§3.3.2).</summary>
    Request,
    /// <summary>Server → client answer to a request.</summary>
    Response,
    /// <summary>Client → server, never answered.</summary>
    Command,
    /// <summary>Server → client, never answered.</summary>
    Notification,
    /// <summary>Server → client, answered by ATT_HANDLE_VALUE_CFM; one outstanding at a time.</summary>
    Indication,
    /// <summary>Client → server answer to an indication.</summary>
    Confirmation,
    /// <summary>An opcode this codec does not know.</summary>
    Unknown,
}

/// <summary>Facts about opcodes that the bearer needs before (or without) decoding a PDU.</summary>
public static class AttOpcodes
{
    /// <summary>Command Flag, bit 6 of the opcode (§3.3.1): an unknown command is ignored, an unknown request answered.</summary>
    public const byte CommandFlag = 0x40;

    /// <summary>Authentication Signature Flag, bit 7 of the opcode (§3.3.1).</summary>
    public const byte AuthenticationSignatureFlag = 0x80;

    public static bool IsCommand(byte opcode) => (opcode & CommandFlag) != 0;

    public static AttPduKind GetKind(byte opcode) => (AttOpcode)opcode switch
    {
        AttOpcode.ATT_EXCHANGE_MTU_REQ or AttOpcode.ATT_FIND_INFORMATION_REQ or AttOpcode.ATT_FIND_BY_TYPE_VALUE_REQ
            or AttOpcode.ATT_READ_BY_TYPE_REQ or AttOpcode.ATT_READ_REQ or AttOpcode.ATT_READ_BLOB_REQ
            or AttOpcode.ATT_READ_MULTIPLE_REQ or AttOpcode.ATT_READ_BY_GROUP_TYPE_REQ or AttOpcode.ATT_WRITE_REQ
            or AttOpcode.ATT_PREPARE_WRITE_REQ or AttOpcode.ATT_EXECUTE_WRITE_REQ
            or AttOpcode.ATT_READ_MULTIPLE_VARIABLE_REQ => AttPduKind.Request,
        AttOpcode.ATT_ERROR_RSP or AttOpcode.ATT_EXCHANGE_MTU_RSP or AttOpcode.ATT_FIND_INFORMATION_RSP
            or AttOpcode.ATT_FIND_BY_TYPE_VALUE_RSP or AttOpcode.ATT_READ_BY_TYPE_RSP or AttOpcode.ATT_READ_RSP
            or AttOpcode.ATT_READ_BLOB_RSP or AttOpcode.ATT_READ_MULTIPLE_RSP or AttOpcode.ATT_READ_BY_GROUP_TYPE_RSP
            or AttOpcode.ATT_WRITE_RSP or AttOpcode.ATT_PREPARE_WRITE_RSP or AttOpcode.ATT_EXECUTE_WRITE_RSP
            or AttOpcode.ATT_READ_MULTIPLE_VARIABLE_RSP => AttPduKind.Response,
        AttOpcode.ATT_WRITE_CMD or AttOpcode.ATT_SIGNED_WRITE_CMD => AttPduKind.Command,
        AttOpcode.ATT_HANDLE_VALUE_NTF or AttOpcode.ATT_MULTIPLE_HANDLE_VALUE_NTF => AttPduKind.Notification,
        AttOpcode.ATT_HANDLE_VALUE_IND => AttPduKind.Indication,
        AttOpcode.ATT_HANDLE_VALUE_CFM => AttPduKind.Confirmation,
        _ => AttPduKind.Unknown,
    };

    /// <summary>The response opcode that answers <paramref name="request"/> (request + 1 for every request, §3.4.8).</summary>
    public static AttOpcode ResponseTo(AttOpcode request) =>
        GetKind((byte)request) == AttPduKind.Request
            ? (AttOpcode)((byte)request + 1)
            : throw new ArgumentException($"{request} is not a request", nameof(request));
}
