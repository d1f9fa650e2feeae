using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ShortRange.DBus;

public ref partial struct Reader
{
    public byte ReadByte() => Take(1)[0];

    /// <summary>BOOLEAN: a UINT32 that must be 0 or 1.</summary>
    public bool ReadBool()
    {
        uint value = ReadUInt32();
        if (value > 1)
        {
            ThrowHelper.Protocol($"Boolean value {value} is neither 0 nor 1.");
        }
        return value == 1;
    }

    public short ReadInt16()
    {
        Align(2);
        ReadOnlySpan<byte> s = Take(2);
        return _bigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s);
    }

    public ushort ReadUInt16()
    {
        Align(2);
        ReadOnlySpan<byte> s = Take(2);
        return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public int ReadInt32()
    {
        Align(4);
        ReadOnlySpan<byte> s = Take(4);
        return _bigEndian ? BinaryPrimitives.ReadInt32BigEndian(s) : BinaryPrimitives.ReadInt32LittleEndian(s);
    }

    public uint ReadUInt32()
    {
        Align(4);
        ReadOnlySpan<byte> s = Take(4);
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    public long ReadInt64()
    {
        Align(8);
        ReadOnlySpan<byte> s = Take(8);
        return _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s);
    }

    public ulong ReadUInt64()
    {
        Align(8);
        ReadOnlySpan<byte> s = Take(8);
        return _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
    }

    public double ReadDouble()
    {
        Align(8);
        ReadOnlySpan<byte> s = Take(8);
        return _bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s);
    }

    /// <summary>STRING as UTF-8 bytes (valid UTF-8, NUL-terminated, no interior NUL).</summary>
    public ReadOnlySpan<byte> ReadStringAsSpan()
    {
        uint length = ReadUInt32();
        if (length >= (uint)BytesRemaining)
        {
            ThrowHelper.Truncated();
        }
        ReadOnlySpan<byte> s = Take((int)length + 1);
        if (s[(int)length] != 0)
        {
            ThrowHelper.Protocol("String is not NUL-terminated.");
        }
        s = s.Slice(0, (int)length);
        if (s.Contains((byte)0))
        {
            ThrowHelper.Protocol("String contains a NUL byte.");
        }
        if (!Utf8.IsValid(s))
        {
            ThrowHelper.Protocol("String is not valid UTF-8.");
        }
        return s;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadStringAsSpan());

    public ReadOnlySpan<byte> ReadObjectPathAsSpan()
    {
        ReadOnlySpan<byte> s = ReadStringAsSpan();
        if (!NameValidator.IsValidObjectPath(s))
        {
            ThrowHelper.Protocol("Invalid object path.");
        }
        return s;
    }

    public ObjectPath ReadObjectPath() => new(Encoding.UTF8.GetString(ReadObjectPathAsSpan()));

    public string ReadObjectPathAsString() => Encoding.UTF8.GetString(ReadObjectPathAsSpan());

    /// <summary>SIGNATURE: BYTE length, ASCII, NUL; validated.</summary>
    public ReadOnlySpan<byte> ReadSignatureAsSpan()
    {
        int length = ReadByte();
        ReadOnlySpan<byte> s = Take(length + 1);
        if (s[length] != 0)
        {
            ThrowHelper.Protocol("Signature is not NUL-terminated.");
        }
        s = s.Slice(0, length);
        SignatureValidator.Validate(s);
        return s;
    }

    public string ReadSignature() => Encoding.ASCII.GetString(ReadSignatureAsSpan());

    /// <summary>UNIX_FD: the index into the message's fd list (<see cref="Message.UnixFds"/>).</summary>
    public int ReadUnixFdIndex()
    {
        uint index = ReadUInt32();
        if (index > int.MaxValue)
        {
            ThrowHelper.Protocol("Unix fd index out of range.");
        }
        return (int)index;
    }
}
