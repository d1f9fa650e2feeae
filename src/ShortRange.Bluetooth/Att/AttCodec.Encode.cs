using static System.Buffers.Binary.BinaryPrimitives;

namespace ShortRange.Bluetooth.Att;

public static partial class AttCodec
{
    /// <summary>Format field of ATT_FIND_INFORMATION_RSP (§3.4.3.2, Table 3.8): 16-bit or 128-bit UUIDs.</summary>
    public const byte FindInformationFormat16 = 0x01, FindInformationFormat128 = 0x02;

    /// <summary>Encodes into a new array.</summary>
    public static byte[] Encode(AttPdu pdu)
    {
        var b = new byte[GetEncodedLength(pdu)];
        Encode(pdu, b);
        return b;
    }

    /// <summary>
    /// The encoded size of <paramref name="pdu"/>, opcode included. The caller compares it with ATT_MTU: the codec
    /// does not cut values (§3.2.9 leaves that to the procedure, e.g. ATT_READ_BLOB_REQ).
    /// </summary>
    /// <exception cref="ArgumentException">a list that the PDU cannot carry (empty, mixed entry sizes).</exception>
    public static int GetEncodedLength(AttPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return 1 + pdu switch
        {
            AttErrorResponse => 4,
            AttExchangeMtuRequest or AttExchangeMtuResponse or AttReadRequest => 2,
            AttFindInformationRequest or AttReadBlobRequest => 4,
            AttFindInformationResponse r => 1 + r.Information.Count * (2 + FindInformationUuidSize(r)),
            AttFindByTypeValueRequest r => 6 + r.AttributeValue.Length,
            AttFindByTypeValueResponse r => 4 * NonEmpty(r.HandlesInformation.Count),
            AttReadByTypeRequest r => 4 + AttUuid.GetSize(r.AttributeType),
            AttReadByGroupTypeRequest r => 4 + AttUuid.GetSize(r.AttributeGroupType),
            AttReadByTypeResponse r => 1 + r.AttributeDataList.Count * ReadByTypeEntrySize(r),
            AttReadByGroupTypeResponse r => 1 + r.AttributeDataList.Count * ReadByGroupTypeEntrySize(r),
            AttReadResponse r => r.AttributeValue.Length,
            AttReadBlobResponse r => r.PartAttributeValue.Length,
            AttReadMultipleRequest r => 2 * HandleCount(r.SetOfHandles),
            AttReadMultipleVariableRequest r => 2 * HandleCount(r.SetOfHandles),
            AttReadMultipleResponse r => r.SetOfValues.Length,
            AttReadMultipleVariableResponse r => ReadMultipleVariableSize(r),
            AttWriteRequest r => 2 + r.AttributeValue.Length,
            AttWriteCommand r => 2 + r.AttributeValue.Length,
            AttSignedWriteCommand r => 2 + r.AttributeValue.Length + SignatureSize(r),
            AttPrepareWriteRequest r => 4 + r.PartAttributeValue.Length,
            AttPrepareWriteResponse r => 4 + r.PartAttributeValue.Length,
            AttExecuteWriteRequest => 1,
            AttWriteResponse or AttExecuteWriteResponse or AttHandleValueConfirmation => 0,
            AttHandleValueNotification r => 2 + r.AttributeValue.Length,
            AttHandleValueIndication r => 2 + r.AttributeValue.Length,
            AttMultipleHandleValueNotification r => MultipleNotificationSize(r),
            AttUnknownPdu r => r.Parameters.Length,
            _ => throw new ArgumentException($"unknown PDU {pdu.GetType().Name}", nameof(pdu)),
        };
    }

    /// <summary>Encodes <paramref name="pdu"/> into <paramref name="destination"/>; returns the length.</summary>
    public static int Encode(AttPdu pdu, Span<byte> destination)
    {
        int length = GetEncodedLength(pdu);
        if (destination.Length < length) throw new ArgumentException($"needs {length} bytes", nameof(destination));
        destination[0] = pdu is AttUnknownPdu u ? u.RawOpcode : (byte)pdu.Opcode;
        var p = destination[1..length];
        switch (pdu)
        {
            case AttErrorResponse r:
                p[0] = (byte)r.RequestOpcodeInError;
                WriteUInt16LittleEndian(p[1..], r.AttributeHandleInError);
                p[3] = (byte)r.ErrorCode;
                break;
            case AttExchangeMtuRequest r: WriteUInt16LittleEndian(p, r.ClientRxMtu); break;
            case AttExchangeMtuResponse r: WriteUInt16LittleEndian(p, r.ServerRxMtu); break;
            case AttReadRequest r: WriteUInt16LittleEndian(p, r.AttributeHandle); break;
            case AttFindInformationRequest r: Handles(p, r.StartingHandle, r.EndingHandle); break;
            case AttReadBlobRequest r: Handles(p, r.AttributeHandle, r.ValueOffset); break;
            case AttFindInformationResponse r:
            {
                int size = FindInformationUuidSize(r);
                p[0] = size == 2 ? FindInformationFormat16 : FindInformationFormat128;
                for (int i = 0; i < r.Information.Count; i++)
                {
                    var e = p.Slice(1 + i * (2 + size), 2 + size);
                    WriteUInt16LittleEndian(e, r.Information[i].Handle);
                    AttUuid.Write(r.Information[i].Type, size, e[2..]);
                }
                break;
            }
            case AttFindByTypeValueRequest r:
                Handles(p, r.StartingHandle, r.EndingHandle);
                WriteUInt16LittleEndian(p[4..], r.AttributeType);
                r.AttributeValue.Span.CopyTo(p[6..]);
                break;
            case AttFindByTypeValueResponse r:
                for (int i = 0; i < r.HandlesInformation.Count; i++)
                    Handles(p[(4 * i)..], r.HandlesInformation[i].FoundHandle, r.HandlesInformation[i].GroupEndHandle);
                break;
            case AttReadByTypeRequest r:
                Handles(p, r.StartingHandle, r.EndingHandle);
                AttUuid.Write(r.AttributeType, p[4..]);
                break;
            case AttReadByGroupTypeRequest r:
                Handles(p, r.StartingHandle, r.EndingHandle);
                AttUuid.Write(r.AttributeGroupType, p[4..]);
                break;
            case AttReadByTypeResponse r:
            {
                int size = ReadByTypeEntrySize(r);
                p[0] = (byte)size;
                for (int i = 0; i < r.AttributeDataList.Count; i++)
                {
                    var e = p.Slice(1 + i * size, size);
                    WriteUInt16LittleEndian(e, r.AttributeDataList[i].Handle);
                    r.AttributeDataList[i].Value.Span.CopyTo(e[2..]);
                }
                break;
            }
            case AttReadByGroupTypeResponse r:
            {
                int size = ReadByGroupTypeEntrySize(r);
                p[0] = (byte)size;
                for (int i = 0; i < r.AttributeDataList.Count; i++)
                {
                    var e = p.Slice(1 + i * size, size);
                    Handles(e, r.AttributeDataList[i].Handle, r.AttributeDataList[i].EndGroupHandle);
                    r.AttributeDataList[i].Value.Span.CopyTo(e[4..]);
                }
                break;
            }
            case AttReadResponse r: r.AttributeValue.Span.CopyTo(p); break;
            case AttReadBlobResponse r: r.PartAttributeValue.Span.CopyTo(p); break;
            case AttReadMultipleResponse r: r.SetOfValues.Span.CopyTo(p); break;
            case AttReadMultipleRequest r: HandleList(p, r.SetOfHandles); break;
            case AttReadMultipleVariableRequest r: HandleList(p, r.SetOfHandles); break;
            case AttReadMultipleVariableResponse r:
                for (int i = 0, at = 0; i < r.AttributeValues.Count; i++)
                {
                    WriteUInt16LittleEndian(p[at..], r.AttributeLengths[i]);
                    r.AttributeValues[i].Span.CopyTo(p[(at + 2)..]);
                    at += 2 + r.AttributeValues[i].Length;
                }
                break;
            case AttWriteRequest r: HandleValue(p, r.AttributeHandle, r.AttributeValue.Span); break;
            case AttWriteCommand r: HandleValue(p, r.AttributeHandle, r.AttributeValue.Span); break;
            case AttHandleValueNotification r: HandleValue(p, r.AttributeHandle, r.AttributeValue.Span); break;
            case AttHandleValueIndication r: HandleValue(p, r.AttributeHandle, r.AttributeValue.Span); break;
            case AttSignedWriteCommand r:
                HandleValue(p, r.AttributeHandle, r.AttributeValue.Span);
                r.AuthenticationSignature.Span.CopyTo(p[(2 + r.AttributeValue.Length)..]);
                break;
            case AttPrepareWriteRequest r:
                Handles(p, r.AttributeHandle, r.ValueOffset);
                r.PartAttributeValue.Span.CopyTo(p[4..]);
                break;
            case AttPrepareWriteResponse r:
                Handles(p, r.AttributeHandle, r.ValueOffset);
                r.PartAttributeValue.Span.CopyTo(p[4..]);
                break;
            case AttExecuteWriteRequest r: p[0] = (byte)r.Flags; break;
            case AttMultipleHandleValueNotification r:
                for (int i = 0, at = 0; i < r.HandleLengthValueTupleList.Count; i++)
                {
                    var t = r.HandleLengthValueTupleList[i];
                    Handles(p[at..], t.Handle, (ushort)t.Value.Length);
                    t.Value.Span.CopyTo(p[(at + 4)..]);
                    at += 4 + t.Value.Length;
                }
                break;
            case AttUnknownPdu r: r.Parameters.Span.CopyTo(p); break;
        }
        return length;
    }

    /// <summary>Writes an ATT_HANDLE_VALUE_NTF without a PDU object (the server's notify path); returns the length.</summary>
    public static int WriteNotification(ushort handle, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        if (destination.Length < 3 + value.Length) throw new ArgumentException($"needs {3 + value.Length} bytes", nameof(destination));
        destination[0] = (byte)AttOpcode.ATT_HANDLE_VALUE_NTF;
        HandleValue(destination[1..], handle, value);
        return 3 + value.Length;
    }

    private static void Handles(Span<byte> p, ushort first, ushort second)
    {
        WriteUInt16LittleEndian(p, first);
        WriteUInt16LittleEndian(p[2..], second);
    }

    private static void HandleValue(Span<byte> p, ushort handle, ReadOnlySpan<byte> value)
    {
        WriteUInt16LittleEndian(p, handle);
        value.CopyTo(p[2..]);
    }

    private static void HandleList(Span<byte> p, IReadOnlyList<ushort> handles)
    {
        for (int i = 0; i < handles.Count; i++) WriteUInt16LittleEndian(p[(2 * i)..], handles[i]);
    }

    private static int NonEmpty(int count) =>
        count > 0 ? count : throw new ArgumentException("an ATT response list needs at least one entry");

    private static int HandleCount(IReadOnlyList<ushort> handles) =>
        handles.Count >= 2 ? handles.Count : throw new ArgumentException("a read-multiple request needs two or more handles");

    private static int SignatureSize(AttSignedWriteCommand r) => r.AuthenticationSignature.Length == AttConstants.SignatureLength
        ? AttConstants.SignatureLength
        : throw new ArgumentException($"the Authentication Signature is {AttConstants.SignatureLength} octets");

    // One response carries one UUID size: 16-bit only when every entry has a 16-bit form.
    private static int FindInformationUuidSize(AttFindInformationResponse r)
    {
        NonEmpty(r.Information.Count);
        foreach (var e in r.Information)
            if (!AttUuid.TryGetShort(e.Type, out _)) return 16;
        return 2;
    }

    private static int ReadByTypeEntrySize(AttReadByTypeResponse r)
    {
        NonEmpty(r.AttributeDataList.Count);
        int value = r.AttributeDataList[0].Value.Length;
        foreach (var e in r.AttributeDataList)
            if (e.Value.Length != value) throw new ArgumentException("ATT_READ_BY_TYPE_RSP entries share one value length");
        return value + 2 <= byte.MaxValue ? value + 2 : throw new ArgumentException("ATT_READ_BY_TYPE_RSP entry longer than 255 octets");
    }

    private static int ReadByGroupTypeEntrySize(AttReadByGroupTypeResponse r)
    {
        NonEmpty(r.AttributeDataList.Count);
        int value = r.AttributeDataList[0].Value.Length;
        foreach (var e in r.AttributeDataList)
            if (e.Value.Length != value) throw new ArgumentException("ATT_READ_BY_GROUP_TYPE_RSP entries share one value length");
        return value + 4 <= byte.MaxValue ? value + 4 : throw new ArgumentException("ATT_READ_BY_GROUP_TYPE_RSP entry longer than 255 octets");
    }

    private static int ReadMultipleVariableSize(AttReadMultipleVariableResponse r)
    {
        if (r.AttributeLengths.Count != r.AttributeValues.Count) throw new ArgumentException("one Length per value");
        int size = 2 * NonEmpty(r.AttributeValues.Count);
        foreach (var v in r.AttributeValues) size += v.Length;
        return size;
    }

    private static int MultipleNotificationSize(AttMultipleHandleValueNotification r)
    {
        int size = 0;
        foreach (var t in r.HandleLengthValueTupleList)
            size += 4 + (t.Value.Length <= ushort.MaxValue ? t.Value.Length : throw new ArgumentException("value longer than a Length field"));
        NonEmpty(r.HandleLengthValueTupleList.Count);
        return size;
    }
}
