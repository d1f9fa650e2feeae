using System.Buffers.Binary;
using System.Text;

namespace ShortRange.DBus;

public ref partial struct MessageWriter
{
    public void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _offset++;
    }

    /// <summary>BOOLEAN: a UINT32 that is 0 or 1.</summary>
    public void WriteBool(bool value) => WriteUInt32(value ? 1u : 0u);

    public void WriteInt16(short value)
    {
        Align(2);
        BinaryPrimitives.WriteInt16LittleEndian(GetSpan(2), value);
        _offset += 2;
    }

    public void WriteUInt16(ushort value)
    {
        Align(2);
        BinaryPrimitives.WriteUInt16LittleEndian(GetSpan(2), value);
        _offset += 2;
    }

    public void WriteInt32(int value)
    {
        Align(4);
        BinaryPrimitives.WriteInt32LittleEndian(GetSpan(4), value);
        _offset += 4;
    }

    public void WriteUInt32(uint value)
    {
        Align(4);
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(4), value);
        _offset += 4;
    }

    public void WriteInt64(long value)
    {
        Align(8);
        BinaryPrimitives.WriteInt64LittleEndian(GetSpan(8), value);
        _offset += 8;
    }

    public void WriteUInt64(ulong value)
    {
        Align(8);
        BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(8), value);
        _offset += 8;
    }

    public void WriteDouble(double value)
    {
        Align(8);
        BinaryPrimitives.WriteDoubleLittleEndian(GetSpan(8), value);
        _offset += 8;
    }

    /// <summary>STRING: UINT32 length, UTF-8 bytes, NUL.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Align(4);
        int byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> span = GetSpan(4 + byteCount + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)byteCount);
        Encoding.UTF8.GetBytes(value, span.Slice(4));
        span[4 + byteCount] = 0;
        _offset += 4 + byteCount + 1;
    }

    /// <summary>STRING from UTF-8 bytes (no validation beyond the caller's).</summary>
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        Align(4);
        Span<byte> span = GetSpan(4 + utf8.Length + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)utf8.Length);
        utf8.CopyTo(span.Slice(4));
        span[4 + utf8.Length] = 0;
        _offset += 4 + utf8.Length + 1;
    }

    /// <summary>OBJECT_PATH (validated).</summary>
    public void WriteObjectPath(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int start = _offset;
        WriteString(value);
        if (!NameValidator.IsValidObjectPath(_buffer.AsSpan(ProtocolConstants.Align(start, 4) + 4, _offset - ProtocolConstants.Align(start, 4) - 5)))
        {
            throw new ArgumentException($"'{value}' is not a valid object path.", nameof(value));
        }
    }

    public void WriteObjectPath(ObjectPath value) => WriteObjectPath(value.Value);

    /// <summary>SIGNATURE: BYTE length, ASCII, NUL (validated).</summary>
    public void WriteSignature(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> span = GetSpan(1 + value.Length + 1);
        if (value.Length > ProtocolConstants.MaxSignatureLength)
        {
            throw new ArgumentException("Signature longer than 255 bytes.", nameof(value));
        }
        span[0] = (byte)value.Length;
        for (int i = 0; i < value.Length; i++)
        {
            span[1 + i] = (byte)value[i];
        }
        span[1 + value.Length] = 0;
        if (!SignatureValidator.TryValidate(span.Slice(1, value.Length), out string? error))
        {
            throw new ArgumentException($"'{value}' is not a valid signature: {error}.", nameof(value));
        }
        _offset += value.Length + 2;
    }

    public void WriteSignature(Signature value) => WriteSignature(value.Value);

    private void WriteSignatureUnchecked(scoped ReadOnlySpan<byte> ascii)
    {
        Span<byte> span = GetSpan(1 + ascii.Length + 1);
        span[0] = (byte)ascii.Length;
        ascii.CopyTo(span.Slice(1));
        span[1 + ascii.Length] = 0;
        _offset += ascii.Length + 2;
    }
}
