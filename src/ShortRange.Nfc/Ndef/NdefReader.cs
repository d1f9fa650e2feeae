using System.Buffers.Binary;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>Where a physical record stands in a chunked record (NDEF 1.0, section 2.3.3).</summary>
public enum NdefChunk : byte
{
    /// <summary>A complete record (CF clear, not after a chunk).</summary>
    None,
    /// <summary>First chunk: CF set, carries TNF, type and ID.</summary>
    First,
    /// <summary>Middle chunk: CF set, TNF Unchanged, no type or ID.</summary>
    Middle,
    /// <summary>Last chunk: CF clear, TNF Unchanged, no type or ID.</summary>
    Last,
}

/// <summary>One physical NDEF record seen by <see cref="NdefReader"/>: spans into the input, nothing copied.</summary>
public readonly ref struct NdefRecordView
{
    internal NdefRecordView(byte header, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> payload, NdefChunk chunk, int offset)
    {
        Header = header;
        Type = type;
        Id = id;
        Payload = payload;
        Chunk = chunk;
        Offset = offset;
    }

    /// <summary>The header byte (MB ME CF SR IL TNF).</summary>
    public byte Header { get; }
    public NdefTnf Tnf => (NdefTnf)(Header & NdefMessage.TnfMask);
    public ReadOnlySpan<byte> Type { get; }
    public ReadOnlySpan<byte> Id { get; }
    public ReadOnlySpan<byte> Payload { get; }
    public NdefChunk Chunk { get; }
    /// <summary>Byte offset of the record header in the message.</summary>
    public int Offset { get; }
    public bool IsMessageBegin => (Header & NdefMessage.MB) != 0;
    public bool IsMessageEnd => (Header & NdefMessage.ME) != 0;

    /// <summary>True for a well-known (TNF 1) record whose type equals <paramref name="type"/>.</summary>
    public bool IsWellKnown(ReadOnlySpan<byte> type) => Tnf == NdefTnf.WellKnown && Type.SequenceEqual(type);

    /// <summary>Copies this record (not usable for chunks, which <see cref="NdefMessage.Parse"/> reassembles).</summary>
    public NdefRecord ToRecord() => new(Tnf, Type.ToArray(), Id.ToArray(), Payload.ToArray());
}

/// <summary>
/// Zero-allocation NDEF message reader (NFC Forum NDEF 1.0, section 3): <c>foreach (var r in new NdefReader(bytes))</c>
/// yields every physical record as spans into the input. The same rules as <see cref="NdefMessage.Parse"/> are enforced
/// (MB on the first record only, ME on the last, chunk sequences, TNF constraints); a malformed message throws
/// <see cref="NdefFormatException"/> when the reader reaches the bad record, and a message that ends without ME throws
/// at the end. Lengths are checked against the bytes present, never trusted.
/// </summary>
public ref struct NdefReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private bool _ended;
    private bool _inChunk;
    private NdefRecordView _current;

    public NdefReader(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) throw new NdefFormatException("empty NDEF message", 0);
        _data = data;
    }

    public readonly NdefRecordView Current => _current;

    public readonly NdefReader GetEnumerator() => this;

    /// <summary>Advances to the next physical record; false after the record with ME.</summary>
    public bool MoveNext()
    {
        if (_pos >= _data.Length)
        {
            if (_ended) return false;
            if (_inChunk) throw new NdefFormatException("chunked record not terminated", _data.Length);
            throw new NdefFormatException("message ends without ME", _data.Length);
        }
        if (_ended) throw new NdefFormatException("bytes after the record with ME set", _pos);
        int start = _pos;
        byte h = _data[_pos++];
        bool first = start == 0;
        if (first && (h & NdefMessage.MB) == 0) throw new NdefFormatException("first record lacks MB", start);
        if (!first && (h & NdefMessage.MB) != 0) throw new NdefFormatException("MB set on a record that is not first", start);
        var tnf = (NdefTnf)(h & NdefMessage.TnfMask);
        int typeLen = Take(1, start)[0];
        uint payloadLen = (h & NdefMessage.SR) != 0 ? Take(1, start)[0] : BinaryPrimitives.ReadUInt32BigEndian(Take(4, start));
        int idLen = (h & NdefMessage.IL) != 0 ? Take(1, start)[0] : 0;
        // The payload length is compared with what is left before anything else uses it (a 4 GiB claim fails here).
        if (payloadLen > (uint)(_data.Length - _pos))
            throw new NdefFormatException($"payload length {payloadLen} exceeds the {_data.Length - _pos} bytes left", start);
        var type = Take(typeLen, start);
        var id = Take(idLen, start);
        var payload = Take((int)payloadLen, start);
        if (tnf == NdefTnf.Reserved) throw new NdefFormatException("reserved TNF 7", start);
        if (tnf == NdefTnf.Empty && (typeLen | idLen | (int)payloadLen) != 0)
            throw new NdefFormatException("empty record with type, id or payload", start);
        if (tnf == NdefTnf.Unknown && typeLen != 0) throw new NdefFormatException("unknown record with a type", start);
        bool cf = (h & NdefMessage.CF) != 0;
        _ended = (h & NdefMessage.ME) != 0;
        if (cf && _ended) throw new NdefFormatException("chunk with ME set", start);
        NdefChunk chunk;
        if (!_inChunk)
        {
            if (tnf == NdefTnf.Unchanged) throw new NdefFormatException("TNF Unchanged outside a chunked record", start);
            chunk = cf ? NdefChunk.First : NdefChunk.None;
            _inChunk = cf;
        }
        else
        {
            if (tnf != NdefTnf.Unchanged || typeLen != 0 || idLen != 0)
                throw new NdefFormatException("middle/last chunk must be TNF Unchanged without type or id", start);
            chunk = cf ? NdefChunk.Middle : NdefChunk.Last;
            _inChunk = cf;
        }
        _current = new NdefRecordView(h, type, id, payload, chunk, start);
        return true;
    }

    private ReadOnlySpan<byte> Take(int n, int recordStart)
    {
        if (n > _data.Length - _pos)
            throw new NdefFormatException($"record truncated: needs {n} more bytes, {_data.Length - _pos} left", recordStart);
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }
}
