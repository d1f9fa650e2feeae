using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// SDP PDU encode/decode (Core spec Vol 3 Part B §4). Every PDU: PDU ID (1), TransactionID (2), ParameterLength (2),
/// all big-endian, then ParameterLength bytes. Decoding checks ParameterLength against the bytes received, each field
/// against what remains, and the continuation state's InfoLength (≤ 16, §4.3).
/// </summary>
public static class SdpPduCodec
{
    /// <summary>PDU header size.</summary>
    public const int HeaderSize = 5;

    /// <summary>Most UUIDs a ServiceSearchPattern may hold (§4.5.1).</summary>
    public const int MaxPatternUuids = 12;

    public static byte[] Encode(SdpPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var w = new List<byte>(64);
        switch (pdu)
        {
            case SdpErrorResponse e:
                U16(w, (ushort)e.ErrorCode);
                break;
            case SdpServiceSearchRequest r:
                Element(w, Pattern(r.Pattern));
                U16(w, r.MaximumServiceRecordCount);
                break;
            case SdpServiceSearchResponse r:
                U16(w, r.TotalServiceRecordCount);
                U16(w, checked((ushort)r.Handles.Count));
                foreach (uint h in r.Handles) U32(w, h);
                break;
            case SdpServiceAttributeRequest r:
                U32(w, r.ServiceRecordHandle);
                U16(w, r.MaximumAttributeByteCount);
                Element(w, AttributeIdList(r.AttributeIds));
                break;
            case SdpServiceSearchAttributeRequest r:
                Element(w, Pattern(r.Pattern));
                U16(w, r.MaximumAttributeByteCount);
                Element(w, AttributeIdList(r.AttributeIds));
                break;
            case SdpAttributeResponse r:
                U16(w, checked((ushort)r.Fragment.Length));
                w.AddRange(r.Fragment.Span);
                break;
            default:
                throw new ArgumentException($"unknown PDU {pdu.GetType().Name}", nameof(pdu));
        }
        if (pdu is not SdpErrorResponse)
        {
            var c = Continuation(pdu);
            if (c.Info.Length > SdpContinuationState.MaxInfoLength) throw new ArgumentException("continuation state longer than 16 bytes", nameof(pdu));
            w.Add((byte)c.Info.Length);
            w.AddRange(c.Info.Span);
        }
        var b = new byte[HeaderSize + w.Count];
        b[0] = (byte)pdu.PduId;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(1), pdu.TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(3), checked((ushort)w.Count));
        w.CopyTo(b, HeaderSize);
        return b;
    }

    private static SdpContinuationState Continuation(SdpPdu pdu) => pdu switch
    {
        SdpServiceSearchRequest r => r.Continuation,
        SdpServiceSearchResponse r => r.Continuation,
        SdpServiceAttributeRequest r => r.Continuation,
        SdpServiceSearchAttributeRequest r => r.Continuation,
        SdpAttributeResponse r => r.Continuation,
        _ => default,
    };

    /// <summary>The ServiceSearchPattern element: a sequence of UUIDs in their shortest form.</summary>
    public static SdpElement Pattern(IReadOnlyList<Guid> uuids)
    {
        ArgumentNullException.ThrowIfNull(uuids);
        if (uuids.Count is 0 or > MaxPatternUuids) throw new ArgumentException($"a search pattern holds 1–{MaxPatternUuids} UUIDs", nameof(uuids));
        return SdpElement.Sequence(uuids.Select(SdpElement.Uuid));
    }

    /// <summary>The AttributeIDList element: uint16 for one ID, uint32 (first &lt;&lt; 16 | last) for a range (§4.6.1).</summary>
    public static SdpElement AttributeIdList(IReadOnlyList<SdpAttributeRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count == 0) throw new ArgumentException("an attribute ID list holds at least one ID or range", nameof(ranges));
        return SdpElement.Sequence(ranges.Select(r => r.First == r.Last ? SdpElement.UInt16(r.First) : SdpElement.UInt32((uint)r.First << 16 | r.Last)));
    }

    /// <summary>Decodes one PDU that fills <paramref name="source"/> (requests and responses).</summary>
    public static SdpPdu Decode(ReadOnlySpan<byte> source)
    {
        if (source.Length < HeaderSize) throw new SdpFormatException($"SDP PDU of {source.Length} bytes is shorter than its 5-byte header");
        var id = (SdpPduId)source[0];
        ushort tid = BinaryPrimitives.ReadUInt16BigEndian(source[1..]);
        int plen = BinaryPrimitives.ReadUInt16BigEndian(source[3..]);
        if (plen != source.Length - HeaderSize)
            throw new SdpFormatException($"ParameterLength {plen} but {source.Length - HeaderSize} parameter bytes received");
        var p = source[HeaderSize..];
        switch (id)
        {
            case SdpPduId.ErrorResponse:
                Need(p, 2, "ErrorCode");
                return new SdpErrorResponse(tid, (SdpErrorCode)BinaryPrimitives.ReadUInt16BigEndian(p));
            case SdpPduId.ServiceSearchRequest:
            {
                var pattern = ReadPattern(ref p);
                Need(p, 2, "MaximumServiceRecordCount");
                ushort max = BinaryPrimitives.ReadUInt16BigEndian(p);
                p = p[2..];
                return new SdpServiceSearchRequest(tid, pattern, max, ReadContinuation(p));
            }
            case SdpPduId.ServiceSearchResponse:
            {
                Need(p, 4, "record counts");
                ushort total = BinaryPrimitives.ReadUInt16BigEndian(p), current = BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
                p = p[4..];
                Need(p, current * 4, "ServiceRecordHandleList");
                var handles = new uint[current];
                for (int i = 0; i < current; i++) handles[i] = BinaryPrimitives.ReadUInt32BigEndian(p[(i * 4)..]);
                p = p[(current * 4)..];
                if (current > total) throw new SdpFormatException($"CurrentServiceRecordCount {current} exceeds TotalServiceRecordCount {total}");
                return new SdpServiceSearchResponse(tid, total, handles, ReadContinuation(p));
            }
            case SdpPduId.ServiceAttributeRequest:
            {
                Need(p, 6, "ServiceRecordHandle and MaximumAttributeByteCount");
                uint handle = BinaryPrimitives.ReadUInt32BigEndian(p);
                ushort max = BinaryPrimitives.ReadUInt16BigEndian(p[4..]);
                p = p[6..];
                var ids = ReadAttributeIds(ref p);
                return new SdpServiceAttributeRequest(tid, handle, max, ids, ReadContinuation(p));
            }
            case SdpPduId.ServiceSearchAttributeRequest:
            {
                var pattern = ReadPattern(ref p);
                Need(p, 2, "MaximumAttributeByteCount");
                ushort max = BinaryPrimitives.ReadUInt16BigEndian(p);
                p = p[2..];
                var ids = ReadAttributeIds(ref p);
                return new SdpServiceSearchAttributeRequest(tid, pattern, max, ids, ReadContinuation(p));
            }
            case SdpPduId.ServiceAttributeResponse or SdpPduId.ServiceSearchAttributeResponse:
            {
                Need(p, 2, "AttributeListByteCount");
                int count = BinaryPrimitives.ReadUInt16BigEndian(p);
                p = p[2..];
                Need(p, count, "AttributeList");
                var fragment = p[..count].ToArray();
                return new SdpAttributeResponse(tid, id == SdpPduId.ServiceSearchAttributeResponse, fragment, ReadContinuation(p[count..]));
            }
            default:
                throw new SdpFormatException($"unknown SDP PDU ID 0x{(byte)id:X2}");
        }
    }

    /// <summary>Reads the ContinuationState that must end the parameters exactly.</summary>
    private static SdpContinuationState ReadContinuation(ReadOnlySpan<byte> p)
    {
        Need(p, 1, "ContinuationState");
        int n = p[0];
        if (n > SdpContinuationState.MaxInfoLength) throw new SdpFormatException($"continuation InfoLength {n} exceeds 16");
        if (p.Length != 1 + n) throw new SdpFormatException($"ContinuationState of {n} bytes but {p.Length - 1} remain");
        return n == 0 ? default : new SdpContinuationState(p[1..].ToArray());
    }

    private static List<Guid> ReadPattern(ref ReadOnlySpan<byte> p)
    {
        var e = SdpElementCodec.Read(p, out int used);
        p = p[used..];
        if (e.Type != SdpElementType.Sequence || e.Items.Count is 0 or > MaxPatternUuids)
            throw new SdpFormatException($"ServiceSearchPattern must be a sequence of 1–{MaxPatternUuids} UUIDs");
        return [.. e.Items.Select(i => i.Type == SdpElementType.Uuid ? i.AsUuid() : throw new SdpFormatException("ServiceSearchPattern holds a non-UUID"))];
    }

    private static List<SdpAttributeRange> ReadAttributeIds(ref ReadOnlySpan<byte> p)
    {
        var e = SdpElementCodec.Read(p, out int used);
        p = p[used..];
        if (e.Type != SdpElementType.Sequence || e.Items.Count == 0) throw new SdpFormatException("AttributeIDList must be a non-empty sequence");
        var list = new List<SdpAttributeRange>(e.Items.Count);
        foreach (var i in e.Items)
        {
            if (i.Type != SdpElementType.UnsignedInteger || i.Value.Length is not (2 or 4))
                throw new SdpFormatException("AttributeIDList entries are uint16 IDs or uint32 ranges");
            ulong v = i.AsUInt64();
            var r = i.Value.Length == 2 ? SdpAttributeRange.Single((ushort)v) : new SdpAttributeRange((ushort)(v >> 16), (ushort)v);
            if (r.First > r.Last) throw new SdpFormatException($"attribute range 0x{r.First:X4}–0x{r.Last:X4} is reversed");
            list.Add(r);
        }
        return list;
    }

    private static void Need(ReadOnlySpan<byte> p, int n, string field)
    {
        if (p.Length < n) throw new SdpFormatException($"{field} needs {n} bytes, {p.Length} remain");
    }

    private static void Element(List<byte> w, SdpElement e) => w.AddRange(SdpElementCodec.Encode(e));

    private static void U16(List<byte> w, ushort v)
    {
        w.Add((byte)(v >> 8));
        w.Add((byte)v);
    }

    private static void U32(List<byte> w, uint v)
    {
        U16(w, (ushort)(v >> 16));
        U16(w, (ushort)v);
    }
}
