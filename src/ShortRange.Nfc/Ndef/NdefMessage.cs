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

    /// <summary>Parses a complete NDEF message; chunked records (CF) are reassembled into one record.
    /// For an allocation-free walk over the records use <see cref="NdefReader"/>.</summary>
    public static IReadOnlyList<NdefRecord> Parse(ReadOnlySpan<byte> data)
    {
        var records = new List<NdefRecord>();
        // Chunk state: section 2.3.3 — the first chunk carries type/TNF/ID, the others are TNF Unchanged.
        List<byte[]>? chunks = null;
        NdefTnf chunkTnf = 0;
        byte[] chunkType = [], chunkId = [];
        foreach (var r in new NdefReader(data))
        {
            switch (r.Chunk)
            {
                case NdefChunk.None:
                    records.Add(r.ToRecord());
                    break;
                case NdefChunk.First:
                    chunks = [r.Payload.ToArray()];
                    chunkTnf = r.Tnf; chunkType = r.Type.ToArray(); chunkId = r.Id.ToArray();
                    break;
                case NdefChunk.Middle:
                    chunks!.Add(r.Payload.ToArray());
                    break;
                case NdefChunk.Last:
                    chunks!.Add(r.Payload.ToArray());
                    int total = 0;
                    foreach (var c in chunks) total += c.Length;
                    var joined = new byte[total];
                    int o = 0;
                    foreach (var c in chunks) { c.CopyTo(joined, o); o += c.Length; }
                    records.Add(new NdefRecord(chunkTnf, chunkType, chunkId, joined));
                    chunks = null;
                    break;
            }
        }
        return records;
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
