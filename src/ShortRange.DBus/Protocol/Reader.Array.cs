namespace ShortRange.DBus;

/// <summary>End of an array being read (from <see cref="Reader.ReadArrayStart"/>).</summary>
public readonly struct ArrayEnd
{
    internal ArrayEnd(int endOffset) => EndOffset = endOffset;

    internal int EndOffset { get; }
}

public ref partial struct Reader
{
    /// <summary>Starts an ARRAY: checks its length against the 2^26 limit and the bytes present.</summary>
    public ArrayEnd ReadArrayStart(DBusType elementType)
    {
        uint length = ReadUInt32();
        if (length > ProtocolConstants.MaxArrayLength)
        {
            ThrowHelper.Protocol($"Array length {length} exceeds the 2^26 byte limit.");
        }
        Align(ProtocolConstants.GetAlignment(elementType));
        if (length > (uint)BytesRemaining)
        {
            ThrowHelper.Truncated();
        }
        return new ArrayEnd(_offset + (int)length);
    }

    /// <summary>True while elements remain; aligns to the next element. An element overrunning the array is an error.</summary>
    public bool HasNext(ArrayEnd end)
    {
        if (_offset > end.EndOffset)
        {
            ThrowHelper.Protocol("Array element runs past the array's declared length.");
        }
        return _offset < end.EndOffset;
    }

    /// <summary>Starts an array of DICT_ENTRY; before each entry call <see cref="AlignStruct"/>.</summary>
    public ArrayEnd ReadDictionaryStart() => ReadArrayStart(DBusType.DictEntry);

    /// <summary>STRUCT and DICT_ENTRY start on an 8-byte boundary.</summary>
    public void AlignStruct() => Align(8);

    public byte[] ReadArrayOfByte()
    {
        ArrayEnd end = ReadArrayStart(DBusType.Byte);
        return Take(end.EndOffset - _offset).ToArray();
    }

    public string[] ReadArrayOfString()
    {
        var list = new List<string>();
        ArrayEnd end = ReadArrayStart(DBusType.String);
        while (HasNext(end))
        {
            list.Add(ReadString());
        }
        return list.ToArray();
    }

    public ObjectPath[] ReadArrayOfObjectPath()
    {
        var list = new List<ObjectPath>();
        ArrayEnd end = ReadArrayStart(DBusType.ObjectPath);
        while (HasNext(end))
        {
            list.Add(ReadObjectPath());
        }
        return list.ToArray();
    }

    public int[] ReadArrayOfInt32()
    {
        var list = new List<int>();
        ArrayEnd end = ReadArrayStart(DBusType.Int32);
        while (HasNext(end))
        {
            list.Add(ReadInt32());
        }
        return list.ToArray();
    }

    /// <summary>An 'a{sv}' as a dictionary (variant wrappers stripped from values).</summary>
    public Dictionary<string, VariantValue> ReadDictionaryOfStringToVariantValue()
    {
        var result = new Dictionary<string, VariantValue>(StringComparer.Ordinal);
        ArrayEnd end = ReadDictionaryStart();
        while (HasNext(end))
        {
            AlignStruct();
            string key = ReadString();
            result[key] = ReadVariantValue();
        }
        return result;
    }
}
