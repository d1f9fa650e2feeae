using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>
/// NDEF message codec (NFC Forum NDEF 1.0, section 3). Record header flags: MB 0x80, ME 0x40, CF 0x20, SR 0x10, IL 0x08, TNF 0x07.
/// Every length is checked against the bytes actually present before anything is allocated, so a hostile
/// 4 GiB payload length in a few bytes of input fails fast.
/// </summary>
public static class NdefMessage
{
    internal const byte MB = 0x80, ME = 0x40, CF = 0x20, SR = 0x10, IL = 0x08, TnfMask = 0x07;

    /// <summary>Parses a complete NDEF message; chunked records (CF) are reassembled into one record.</summary>
    public static IReadOnlyList<NdefRecord> Parse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) throw new NdefFormatException("empty NDEF message", 0);
        var records = new List<NdefRecord>();
        int pos = 0;
        bool first = true, ended = false;
        // Chunk state: Section 3.3.2 — first chunk carries type/TNF, middle and last chunks are TNF Unchanged with empty type.
        List<byte[]>? chunks = null;
        NdefTnf chunkTnf = 0;
        byte[] chunkType = [], chunkId = [];
        while (pos < data.Length)
        {
            if (ended) throw new NdefFormatException("bytes after the record with ME set", pos);
            int start = pos;
            byte h = data[pos++];
            if (first && (h & MB) == 0) throw new NdefFormatException("first record lacks MB", start);
            if (!first && (h & MB) != 0) throw new NdefFormatException("MB set on a record that is not first", start);
            first = false;
            var tnf = (NdefTnf)(h & TnfMask);
            int typeLen = Need(data, ref pos, 1, start)[0];
            uint payloadLen = (h & SR) != 0
                ? Need(data, ref pos, 1, start)[0]
                : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Need(data, ref pos, 4, start));
            int idLen = (h & IL) != 0 ? Need(data, ref pos, 1, start)[0] : 0;
            if (payloadLen > (uint)(data.Length - pos))
                throw new NdefFormatException($"payload length {payloadLen} exceeds the {data.Length - pos} bytes left", start);
            var type = Need(data, ref pos, typeLen, start);
            var id = Need(data, ref pos, idLen, start);
            var payload = Need(data, ref pos, (int)payloadLen, start);
            if (tnf == NdefTnf.Reserved) throw new NdefFormatException("reserved TNF 7", start);
            if (tnf == NdefTnf.Empty && (typeLen | idLen | (int)payloadLen) != 0)
                throw new NdefFormatException("empty record with type, id or payload", start);
            if (tnf == NdefTnf.Unknown && typeLen != 0) throw new NdefFormatException("unknown record with a type", start);
            bool cf = (h & CF) != 0;
            ended = (h & ME) != 0;
            if (chunks is null)
            {
                if (tnf == NdefTnf.Unchanged) throw new NdefFormatException("TNF Unchanged outside a chunked record", start);
                if (cf)
                {
                    if (ended) throw new NdefFormatException("chunk with ME set", start);
                    chunks = [payload.ToArray()];
                    chunkTnf = tnf; chunkType = type.ToArray(); chunkId = id.ToArray();
                }
                else records.Add(new NdefRecord(tnf, type.ToArray(), id.ToArray(), payload.ToArray()));
            }
            else
            {
                if (tnf != NdefTnf.Unchanged || typeLen != 0 || idLen != 0)
                    throw new NdefFormatException("middle/last chunk must be TNF Unchanged without type or id", start);
                if (cf && ended) throw new NdefFormatException("chunk with ME set", start);
                chunks.Add(payload.ToArray());
                if (!cf)
                {
                    int total = 0;
                    foreach (var c in chunks) total += c.Length;
                    var joined = new byte[total];
                    int o = 0;
                    foreach (var c in chunks) { c.CopyTo(joined, o); o += c.Length; }
                    records.Add(new NdefRecord(chunkTnf, chunkType, chunkId, joined));
                    chunks = null;
                }
            }
        }
        if (!ended) throw new NdefFormatException("message ends without ME", data.Length);
        if (chunks is not null) throw new NdefFormatException("chunked record not terminated", data.Length);
        return records;
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> data, ref int pos, int n, int recordStart)
    {
        if (n > data.Length - pos) throw new NdefFormatException($"record truncated: needs {n} more bytes, {data.Length - pos} left", recordStart);
        var s = data.Slice(pos, n);
        pos += n;
        return s;
    }

    /// <summary>Encoded size of <paramref name="records"/> (short records where the payload fits in 255 bytes).</summary>
    public static int GetEncodedLength(IReadOnlyList<NdefRecord> records)
    {
        int n = 0;
        foreach (var r in records)
            n += 2 + (r.Payload.Length <= 255 ? 1 : 4) + (r.Id.Length > 0 ? 1 : 0) + r.Type.Length + r.Id.Length + r.Payload.Length;
        return n;
    }

    /// <summary>Encodes records as one message; an empty list encodes as one Empty record.</summary>
    public static byte[] Encode(IReadOnlyList<NdefRecord> records)
    {
        if (records.Count == 0) return [MB | ME | SR, 0, 0];
        var buf = new byte[GetEncodedLength(records)];
        int pos = 0;
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if ((byte)r.Tnf > 6 || r.Tnf == NdefTnf.Unchanged) throw new ArgumentException($"record {i}: TNF {r.Tnf} cannot be encoded", nameof(records));
            if (r.Type.Length > 255 || r.Id.Length > 255) throw new ArgumentException($"record {i}: type or id longer than 255 bytes", nameof(records));
            bool sr = r.Payload.Length <= 255;
            byte h = (byte)((byte)r.Tnf | (sr ? SR : 0) | (r.Id.Length > 0 ? IL : 0) | (i == 0 ? MB : 0) | (i == records.Count - 1 ? ME : 0));
            buf[pos++] = h;
            buf[pos++] = (byte)r.Type.Length;
            if (sr) buf[pos++] = (byte)r.Payload.Length;
            else { System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(pos), (uint)r.Payload.Length); pos += 4; }
            if (r.Id.Length > 0) buf[pos++] = (byte)r.Id.Length;
            r.Type.Span.CopyTo(buf.AsSpan(pos)); pos += r.Type.Length;
            r.Id.Span.CopyTo(buf.AsSpan(pos)); pos += r.Id.Length;
            r.Payload.Span.CopyTo(buf.AsSpan(pos)); pos += r.Payload.Length;
        }
        return buf;
    }
}
