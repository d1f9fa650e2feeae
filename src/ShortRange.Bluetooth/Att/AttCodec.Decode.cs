using System.Buffers.Binary;
using static System.Buffers.Binary.BinaryPrimitives;

namespace ShortRange.Bluetooth.Att;

/// <summary>
/// Pure encoder/decoder of ATT PDUs (Core 5.4 Vol 3 Part F §3.4) over spans: no I/O, no logging. Multi-octet fields
/// are little-endian (§3.3). Fixed-size PDUs must have exactly their size; every list must divide into whole entries;
/// nothing is allocated from a length field before the octets behind it are known to be present.
/// </summary>
public static partial class AttCodec
{
    /// <summary>
    /// Zero-copy read of an ATT_HANDLE_VALUE_NTF (§3.4.7.1), the hot path of notifications: false when
    /// <paramref name="pdu"/> is not a well-formed notification.
    /// </summary>
    public static bool TryReadNotification(ReadOnlySpan<byte> pdu, out ushort handle, out ReadOnlySpan<byte> value)
    {
        if (pdu.Length < 3 || pdu[0] != (byte)AttOpcode.ATT_HANDLE_VALUE_NTF)
        {
            handle = 0;
            value = default;
            return false;
        }
        handle = ReadUInt16LittleEndian(pdu[1..]);
        value = pdu[3..];
        return true;
    }

    /// <summary>Decodes one ATT PDU; unknown opcodes become <see cref="AttUnknownPdu"/>.</summary>
    /// <exception cref="AttFormatException">empty, truncated, wrong length for its opcode, or a malformed list.</exception>
    public static AttPdu Decode(ReadOnlySpan<byte> pdu)
    {
        if (pdu.IsEmpty) throw new AttFormatException("empty ATT PDU");
        var op = (AttOpcode)pdu[0];
        var p = pdu[1..];
        switch (op)
        {
            case AttOpcode.ATT_ERROR_RSP:
                Exact(p, 4, op);
                return new AttErrorResponse((AttOpcode)p[0], U16(p, 1), (AttErrorCode)p[3]);
            case AttOpcode.ATT_EXCHANGE_MTU_REQ:
                Exact(p, 2, op);
                return new AttExchangeMtuRequest(U16(p, 0));
            case AttOpcode.ATT_EXCHANGE_MTU_RSP:
                Exact(p, 2, op);
                return new AttExchangeMtuResponse(U16(p, 0));
            case AttOpcode.ATT_FIND_INFORMATION_REQ:
                Exact(p, 4, op);
                return new AttFindInformationRequest(U16(p, 0), U16(p, 2));
            case AttOpcode.ATT_FIND_INFORMATION_RSP:
                return DecodeFindInformationResponse(p);
            case AttOpcode.ATT_FIND_BY_TYPE_VALUE_REQ:
                AtLeast(p, 6, op);
                return new AttFindByTypeValueRequest(U16(p, 0), U16(p, 2), U16(p, 4), p[6..].ToArray());
            case AttOpcode.ATT_FIND_BY_TYPE_VALUE_RSP:
                return DecodeFindByTypeValueResponse(p);
            case AttOpcode.ATT_READ_BY_TYPE_REQ:
                UuidRequestLength(p, op);
                return new AttReadByTypeRequest(U16(p, 0), U16(p, 2), AttUuid.Read(p[4..]));
            case AttOpcode.ATT_READ_BY_TYPE_RSP:
                return DecodeReadByTypeResponse(p);
            case AttOpcode.ATT_READ_REQ:
                Exact(p, 2, op);
                return new AttReadRequest(U16(p, 0));
            case AttOpcode.ATT_READ_RSP:
                return new AttReadResponse(p.ToArray());
            case AttOpcode.ATT_READ_BLOB_REQ:
                Exact(p, 4, op);
                return new AttReadBlobRequest(U16(p, 0), U16(p, 2));
            case AttOpcode.ATT_READ_BLOB_RSP:
                return new AttReadBlobResponse(p.ToArray());
            case AttOpcode.ATT_READ_MULTIPLE_REQ:
                return new AttReadMultipleRequest(HandleSet(p, op));
            case AttOpcode.ATT_READ_MULTIPLE_RSP:
                return new AttReadMultipleResponse(p.ToArray());
            case AttOpcode.ATT_READ_BY_GROUP_TYPE_REQ:
                UuidRequestLength(p, op);
                return new AttReadByGroupTypeRequest(U16(p, 0), U16(p, 2), AttUuid.Read(p[4..]));
            case AttOpcode.ATT_READ_BY_GROUP_TYPE_RSP:
                return DecodeReadByGroupTypeResponse(p);
            case AttOpcode.ATT_READ_MULTIPLE_VARIABLE_REQ:
                return new AttReadMultipleVariableRequest(HandleSet(p, op));
            case AttOpcode.ATT_READ_MULTIPLE_VARIABLE_RSP:
                return DecodeReadMultipleVariableResponse(p);
            case AttOpcode.ATT_WRITE_REQ:
                AtLeast(p, 2, op);
                return new AttWriteRequest(U16(p, 0), p[2..].ToArray());
            case AttOpcode.ATT_WRITE_RSP:
                Exact(p, 0, op);
                return new AttWriteResponse();
            case AttOpcode.ATT_WRITE_CMD:
                AtLeast(p, 2, op);
                return new AttWriteCommand(U16(p, 0), p[2..].ToArray());
            case AttOpcode.ATT_SIGNED_WRITE_CMD:
                AtLeast(p, 2 + AttConstants.SignatureLength, op);
                return new AttSignedWriteCommand(U16(p, 0), p[2..^AttConstants.SignatureLength].ToArray(),
                    p[^AttConstants.SignatureLength..].ToArray());
            case AttOpcode.ATT_PREPARE_WRITE_REQ:
                AtLeast(p, 4, op);
                return new AttPrepareWriteRequest(U16(p, 0), U16(p, 2), p[4..].ToArray());
            case AttOpcode.ATT_PREPARE_WRITE_RSP:
                AtLeast(p, 4, op);
                return new AttPrepareWriteResponse(U16(p, 0), U16(p, 2), p[4..].ToArray());
            case AttOpcode.ATT_EXECUTE_WRITE_REQ:
                Exact(p, 1, op);
                if (p[0] > (byte)AttExecuteWriteFlags.Write) throw new AttFormatException($"ATT_EXECUTE_WRITE_REQ flags 0x{p[0]:X2} are reserved");
                return new AttExecuteWriteRequest((AttExecuteWriteFlags)p[0]);
            case AttOpcode.ATT_EXECUTE_WRITE_RSP:
                Exact(p, 0, op);
                return new AttExecuteWriteResponse();
            case AttOpcode.ATT_HANDLE_VALUE_NTF:
                AtLeast(p, 2, op);
                return new AttHandleValueNotification(U16(p, 0), p[2..].ToArray());
            case AttOpcode.ATT_HANDLE_VALUE_IND:
                AtLeast(p, 2, op);
                return new AttHandleValueIndication(U16(p, 0), p[2..].ToArray());
            case AttOpcode.ATT_HANDLE_VALUE_CFM:
                Exact(p, 0, op);
                return new AttHandleValueConfirmation();
            case AttOpcode.ATT_MULTIPLE_HANDLE_VALUE_NTF:
                return DecodeMultipleHandleValueNotification(p);
            default:
                return new AttUnknownPdu(pdu[0], p.ToArray());
        }
    }

    private static AttFindInformationResponse DecodeFindInformationResponse(ReadOnlySpan<byte> p)
    {
        AtLeast(p, 1, AttOpcode.ATT_FIND_INFORMATION_RSP);
        int uuidSize = p[0] switch
        {
            FindInformationFormat16 => 2,
            FindInformationFormat128 => 16,
            _ => throw new AttFormatException($"ATT_FIND_INFORMATION_RSP format 0x{p[0]:X2} is reserved"),
        };
        var list = Entries(p[1..], 2 + uuidSize, AttOpcode.ATT_FIND_INFORMATION_RSP);
        var result = new AttHandleUuid[list.Length / (2 + uuidSize)];
        for (int i = 0; i < result.Length; i++)
        {
            var e = list.Slice(i * (2 + uuidSize), 2 + uuidSize);
            result[i] = new AttHandleUuid(U16(e, 0), AttUuid.Read(e[2..]));
        }
        return new AttFindInformationResponse(result);
    }

    private static AttFindByTypeValueResponse DecodeFindByTypeValueResponse(ReadOnlySpan<byte> p)
    {
        var list = Entries(p, 4, AttOpcode.ATT_FIND_BY_TYPE_VALUE_RSP);
        var result = new AttHandleRange[list.Length / 4];
        for (int i = 0; i < result.Length; i++) result[i] = new AttHandleRange(U16(list, 4 * i), U16(list, 4 * i + 2));
        return new AttFindByTypeValueResponse(result);
    }

    private static AttReadByTypeResponse DecodeReadByTypeResponse(ReadOnlySpan<byte> p)
    {
        var op = AttOpcode.ATT_READ_BY_TYPE_RSP;
        AtLeast(p, 1, op);
        int size = p[0];
        if (size < 2) throw new AttFormatException($"{op} entry length {size} is shorter than a handle");
        var list = Entries(p[1..], size, op);
        var result = new AttHandleValue[list.Length / size];
        for (int i = 0; i < result.Length; i++)
        {
            var e = list.Slice(i * size, size);
            result[i] = new AttHandleValue(U16(e, 0), e[2..].ToArray());
        }
        return new AttReadByTypeResponse(result);
    }

    private static AttReadByGroupTypeResponse DecodeReadByGroupTypeResponse(ReadOnlySpan<byte> p)
    {
        var op = AttOpcode.ATT_READ_BY_GROUP_TYPE_RSP;
        AtLeast(p, 1, op);
        int size = p[0];
        if (size < 4) throw new AttFormatException($"{op} entry length {size} is shorter than two handles");
        var list = Entries(p[1..], size, op);
        var result = new AttGroupValue[list.Length / size];
        for (int i = 0; i < result.Length; i++)
        {
            var e = list.Slice(i * size, size);
            result[i] = new AttGroupValue(U16(e, 0), U16(e, 2), e[4..].ToArray());
        }
        return new AttReadByGroupTypeResponse(result);
    }

    private static AttReadMultipleVariableResponse DecodeReadMultipleVariableResponse(ReadOnlySpan<byte> p)
    {
        // Count first so the arrays are sized from octets present, never from a Length field.
        int count = 0;
        for (var rest = p; !rest.IsEmpty; count++)
        {
            if (rest.Length < 2) throw new AttFormatException("ATT_READ_MULTIPLE_VARIABLE_RSP ends inside a Length field");
            rest = rest[Math.Min(rest.Length, 2 + U16(rest, 0))..];
        }
        if (count == 0) throw new AttFormatException("ATT_READ_MULTIPLE_VARIABLE_RSP without a value");
        var lengths = new ushort[count];
        var values = new ReadOnlyMemory<byte>[count];
        for (int i = 0; i < count; i++)
        {
            lengths[i] = U16(p, 0);
            int take = Math.Min(p.Length - 2, lengths[i]);   // only the last may be cut at ATT_MTU
            values[i] = p.Slice(2, take).ToArray();
            p = p[(2 + take)..];
        }
        return new AttReadMultipleVariableResponse(lengths, values);
    }

    private static AttMultipleHandleValueNotification DecodeMultipleHandleValueNotification(ReadOnlySpan<byte> p)
    {
        int count = 0;
        for (var rest = p; !rest.IsEmpty; count++)
        {
            if (rest.Length < 4) throw new AttFormatException("ATT_MULTIPLE_HANDLE_VALUE_NTF ends inside a tuple header");
            int end = 4 + U16(rest, 2);
            if (end > rest.Length) throw new AttFormatException("ATT_MULTIPLE_HANDLE_VALUE_NTF value runs past the PDU");
            rest = rest[end..];
        }
        if (count == 0) throw new AttFormatException("ATT_MULTIPLE_HANDLE_VALUE_NTF without a tuple");
        var result = new AttHandleValue[count];
        for (int i = 0; i < count; i++)
        {
            int length = U16(p, 2);
            result[i] = new AttHandleValue(U16(p, 0), p.Slice(4, length).ToArray());
            p = p[(4 + length)..];
        }
        return new AttMultipleHandleValueNotification(result);
    }

    private static ushort[] HandleSet(ReadOnlySpan<byte> p, AttOpcode op)
    {
        if (p.Length < 4 || p.Length % 2 != 0) throw new AttFormatException($"{op} needs two or more whole handles, got {p.Length} octets");
        var handles = new ushort[p.Length / 2];
        for (int i = 0; i < handles.Length; i++) handles[i] = U16(p, 2 * i);
        return handles;
    }

    private static ReadOnlySpan<byte> Entries(ReadOnlySpan<byte> list, int entrySize, AttOpcode op)
    {
        if (list.IsEmpty || list.Length % entrySize != 0)
            throw new AttFormatException($"{op} list of {list.Length} octets is not whole {entrySize}-octet entries");
        return list;
    }

    private static void UuidRequestLength(ReadOnlySpan<byte> p, AttOpcode op)
    {
        if (p.Length != 4 + 2 && p.Length != 4 + 16) throw new AttFormatException($"{op} has {p.Length} parameter octets, not 6 or 20");
    }

    private static void Exact(ReadOnlySpan<byte> p, int length, AttOpcode op)
    {
        if (p.Length != length) throw new AttFormatException($"{op} has {p.Length} parameter octets, not {length}");
    }

    private static void AtLeast(ReadOnlySpan<byte> p, int length, AttOpcode op)
    {
        if (p.Length < length) throw new AttFormatException($"{op} has {p.Length} parameter octets, needs at least {length}");
    }

    private static ushort U16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]);
}
