using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// The records an SDP server publishes and the pure request → response logic (Core spec Vol 3 Part B §4). Responses
/// larger than the client's MaximumAttributeByteCount (or the channel MTU) are split; the continuation state is the
/// 4-byte offset into the full response, so the server keeps no per-client state and a forged offset only earns
/// InvalidContinuationState. Thread-safe: records are swapped atomically.
/// </summary>
public sealed class SdpDatabase
{
    private SdpRecord[] _records = [];
    private uint _nextHandle = 0x00010000; // 0x00000001–0x0000FFFF are reserved (§5.1.1); BlueZ starts at 0x10000 too

    public SdpDatabase() => _records = [ServerRecord()];

    /// <summary>The published records, the SDP server's own (handle 0) first.</summary>
    public IReadOnlyList<SdpRecord> Records => Volatile.Read(ref _records);

    /// <summary>A fresh record handle.</summary>
    public uint AllocateHandle() => Interlocked.Increment(ref _nextHandle) - 1;

    /// <summary>Publishes <paramref name="record"/> (its ServiceRecordHandle must be set and unused).</summary>
    public void Add(SdpRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        uint handle = record.Handle ?? throw new ArgumentException("the record has no ServiceRecordHandle", nameof(record));
        lock (this)
        {
            if (_records.Any(r => r.Handle == handle)) throw new ArgumentException($"handle 0x{handle:X8} is in use", nameof(record));
            Volatile.Write(ref _records, [.. _records, record]);
        }
    }

    /// <summary>Withdraws the record with <paramref name="handle"/>; false when none.</summary>
    public bool Remove(uint handle)
    {
        lock (this)
        {
            var next = _records.Where(r => r.Handle != handle || handle == 0).ToArray();
            if (next.Length == _records.Length) return false;
            Volatile.Write(ref _records, next);
            return true;
        }
    }

    // The SDP server's service record (§5.2): handle 0, class ServiceDiscoveryServerServiceClassID, VersionNumberList [1.0].
    private static SdpRecord ServerRecord() => new([
        new(SdpAttributeId.ServiceRecordHandle, SdpElement.UInt32(0)),
        new(SdpAttributeId.ServiceClassIDList, SdpElement.Sequence(SdpElement.Uuid16(SdpUuid.ServiceDiscoveryServerServiceClassID))),
        new(0x0200, SdpElement.Sequence(SdpElement.UInt16(0x0100))),
    ]);

    /// <summary>Answers one request PDU; malformed requests get SDP_ErrorResponse, never an exception.</summary>
    /// <param name="request">The PDU as received.</param>
    /// <param name="sendMtu">The client's receive MTU: no response is longer.</param>
    public byte[] Handle(ReadOnlySpan<byte> request, int sendMtu)
    {
        ushort tid = request.Length >= 3 ? BinaryPrimitives.ReadUInt16BigEndian(request[1..]) : (ushort)0;
        SdpPdu pdu;
        try
        {
            pdu = SdpPduCodec.Decode(request);
        }
        catch (SdpFormatException)
        {
            bool sizeMismatch = request.Length >= SdpPduCodec.HeaderSize && BinaryPrimitives.ReadUInt16BigEndian(request[3..]) != request.Length - SdpPduCodec.HeaderSize;
            return Error(tid, sizeMismatch ? SdpErrorCode.InvalidPduSize : SdpErrorCode.InvalidRequestSyntax);
        }
        var records = Volatile.Read(ref _records);
        switch (pdu)
        {
            case SdpServiceSearchRequest r:
            {
                var handles = Match(records, r.Pattern).Select(x => x.Handle!.Value).Take(r.MaximumServiceRecordCount).ToArray();
                if (!TryOffset(r.Continuation, handles.Length, out int start)) return Error(tid, SdpErrorCode.InvalidContinuationState);
                int fit = Math.Max(1, (sendMtu - SdpPduCodec.HeaderSize - 4 - 5) / 4);
                int n = Math.Min(fit, handles.Length - start);
                var cont = start + n < handles.Length ? Offset(start + n) : SdpContinuationState.None;
                return SdpPduCodec.Encode(new SdpServiceSearchResponse(tid, (ushort)handles.Length, handles[start..(start + n)], cont));
            }
            case SdpServiceAttributeRequest r:
            {
                var record = records.FirstOrDefault(x => x.Handle == r.ServiceRecordHandle);
                if (record is null) return Error(tid, SdpErrorCode.InvalidServiceRecordHandle);
                return Fragment(tid, false, SdpElementCodec.Encode(record.ToAttributeList(r.AttributeIds)), r.MaximumAttributeByteCount, r.Continuation, sendMtu);
            }
            case SdpServiceSearchAttributeRequest r:
            {
                var lists = SdpElement.Sequence(Match(records, r.Pattern).Select(x => x.ToAttributeList(r.AttributeIds)));
                return Fragment(tid, true, SdpElementCodec.Encode(lists), r.MaximumAttributeByteCount, r.Continuation, sendMtu);
            }
            default:
                return Error(tid, SdpErrorCode.InvalidRequestSyntax); // a response PDU sent to the server
        }
    }

    private static IEnumerable<SdpRecord> Match(SdpRecord[] records, IReadOnlyList<Guid> pattern) =>
        records.Where(x => pattern.All(x.Contains));

    private static byte[] Fragment(ushort tid, bool search, byte[] full, ushort maxBytes, SdpContinuationState c, int sendMtu)
    {
        if (maxBytes < 7) return Error(tid, SdpErrorCode.InvalidRequestSyntax); // §4.6.1: at least 0x0007
        if (!TryOffset(c, full.Length, out int start)) return Error(tid, SdpErrorCode.InvalidContinuationState);
        int fit = Math.Min(maxBytes, sendMtu - SdpPduCodec.HeaderSize - 2 - 5);
        int n = Math.Min(fit, full.Length - start);
        var next = start + n < full.Length ? Offset(start + n) : SdpContinuationState.None;
        return SdpPduCodec.Encode(new SdpAttributeResponse(tid, search, full.AsMemory(start, n), next));
    }

    private static SdpContinuationState Offset(int offset)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, offset);
        return new SdpContinuationState(b);
    }

    private static bool TryOffset(SdpContinuationState c, int length, out int offset)
    {
        offset = 0;
        if (c.IsEmpty) return true;
        if (c.Info.Length != 4) return false;
        offset = BinaryPrimitives.ReadInt32BigEndian(c.Info.Span);
        return offset > 0 && offset < length;
    }

    private static byte[] Error(ushort tid, SdpErrorCode code) => SdpPduCodec.Encode(new SdpErrorResponse(tid, code));
}
