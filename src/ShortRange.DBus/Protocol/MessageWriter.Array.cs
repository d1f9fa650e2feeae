using System.Buffers.Binary;

namespace ShortRange.DBus;

/// <summary>Where an array's length must be back-patched (from <see cref="MessageWriter.WriteArrayStart"/>).</summary>
public readonly struct ArrayStart
{
    internal ArrayStart(int lengthOffset, int dataOffset)
    {
        LengthOffset = lengthOffset;
        DataOffset = dataOffset;
    }

    internal int LengthOffset { get; }
    internal int DataOffset { get; }
}

public ref partial struct MessageWriter
{
    /// <summary>Starts an ARRAY: UINT32 length placeholder, then padding to the element alignment (even when empty).</summary>
    public ArrayStart WriteArrayStart(DBusType elementType)
    {
        Align(4);
        int lengthOffset = _offset;
        GetSpan(4);
        _offset += 4;
        Align(ProtocolConstants.GetAlignment(elementType));
        return new ArrayStart(lengthOffset, _offset);
    }

    /// <summary>Ends an ARRAY: patches its byte length (padding before the first element excluded).</summary>
    public void WriteArrayEnd(ArrayStart start)
    {
        int length = _offset - start.DataOffset;
        if (length > ProtocolConstants.MaxArrayLength)
        {
            throw new ProtocolException($"Array of {length} bytes exceeds the 2^26 byte limit.");
        }
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(start.LengthOffset), (uint)length);
    }

    /// <summary>Starts an array of DICT_ENTRY; write each entry with <see cref="WriteDictionaryEntryStart"/>, key, value.</summary>
    public ArrayStart WriteDictionaryStart() => WriteArrayStart(DBusType.DictEntry);

    public void WriteDictionaryEnd(ArrayStart start) => WriteArrayEnd(start);

    /// <summary>DICT_ENTRY and STRUCT start on an 8-byte boundary.</summary>
    public void WriteDictionaryEntryStart() => Align(8);

    public void WriteArray(ReadOnlySpan<byte> bytes)
    {
        ArrayStart start = WriteArrayStart(DBusType.Byte);
        bytes.CopyTo(GetSpan(bytes.Length));
        _offset += bytes.Length;
        WriteArrayEnd(start);
    }

    public void WriteArray(IEnumerable<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        ArrayStart start = WriteArrayStart(DBusType.String);
        foreach (string s in strings)
        {
            WriteString(s);
        }
        WriteArrayEnd(start);
    }

    public void WriteArray(ReadOnlySpan<int> values)
    {
        ArrayStart start = WriteArrayStart(DBusType.Int32);
        foreach (int v in values)
        {
            WriteInt32(v);
        }
        WriteArrayEnd(start);
    }

    public void WriteArray(ReadOnlySpan<uint> values)
    {
        ArrayStart start = WriteArrayStart(DBusType.UInt32);
        foreach (uint v in values)
        {
            WriteUInt32(v);
        }
        WriteArrayEnd(start);
    }

    /// <summary>An 'a{sv}' dictionary.</summary>
    public void WriteDictionary(IEnumerable<KeyValuePair<string, VariantValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArrayStart start = WriteDictionaryStart();
        foreach (var e in entries)
        {
            WriteDictionaryEntryStart();
            WriteString(e.Key);
            WriteVariant(e.Value);
        }
        WriteDictionaryEnd(start);
    }
}
