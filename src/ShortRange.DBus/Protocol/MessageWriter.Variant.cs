using System.Text;

namespace ShortRange.DBus;

public ref partial struct MessageWriter
{
    /// <summary>VARIANT: the value's signature, then the value.</summary>
    public void WriteVariant(VariantValue value)
    {
        if (value.Type == DBusType.Invalid)
        {
            throw new ArgumentException("Cannot write an empty VariantValue.", nameof(value));
        }
        WriteSignatureAscii(value.Signature);
        WriteValue(value);
    }

    public void WriteVariantString(string value)
    {
        WriteSignatureUnchecked("s"u8);
        WriteString(value);
    }

    public void WriteVariantInt32(int value)
    {
        WriteSignatureUnchecked("i"u8);
        WriteInt32(value);
    }

    public void WriteVariantUInt32(uint value)
    {
        WriteSignatureUnchecked("u"u8);
        WriteUInt32(value);
    }

    public void WriteVariantBool(bool value)
    {
        WriteSignatureUnchecked("b"u8);
        WriteBool(value);
    }

    public void WriteVariantObjectPath(string value)
    {
        WriteSignatureUnchecked("o"u8);
        WriteObjectPath(value);
    }

    /// <summary>Writes <paramref name="value"/> without a signature, as its type's wire form (for use where the
    /// signature already says the type, e.g. a method argument of that type).</summary>
    public void WriteValue(VariantValue value)
    {
        switch (value.Type)
        {
            case DBusType.Byte: WriteByte(value.GetByte()); break;
            case DBusType.Bool: WriteBool(value.GetBool()); break;
            case DBusType.Int16: WriteInt16(value.GetInt16()); break;
            case DBusType.UInt16: WriteUInt16(value.GetUInt16()); break;
            case DBusType.Int32: WriteInt32(value.GetInt32()); break;
            case DBusType.UInt32: WriteUInt32(value.GetUInt32()); break;
            case DBusType.Int64: WriteInt64(value.GetInt64()); break;
            case DBusType.UInt64: WriteUInt64(value.GetUInt64()); break;
            case DBusType.Double: WriteDouble(value.GetDouble()); break;
            case DBusType.String: WriteString(value.GetString()); break;
            case DBusType.ObjectPath: WriteObjectPath(value.GetString()); break;
            case DBusType.Signature: WriteSignature(value.GetString()); break;
            case DBusType.UnixFd: WriteUInt32((uint)value.GetUnixFdIndex()); break;
            case DBusType.Variant: WriteVariant(value.GetVariantValue()); break;
            case DBusType.Struct:
                WriteStructureStart();
                foreach (VariantValue field in value.GetItems())
                {
                    WriteValue(field);
                }
                break;
            case DBusType.Array:
                WriteArrayValue(value);
                break;
            default:
                throw new ArgumentException($"Cannot write a value of type {value.Type}.", nameof(value));
        }
    }

    private void WriteArrayValue(VariantValue value)
    {
        string signature = value.Signature;
        if (value.IsDictionary)
        {
            ArrayStart start = WriteDictionaryStart();
            foreach (var e in value.GetDictionaryEntries())
            {
                WriteDictionaryEntryStart();
                WriteValue(e.Key);
                WriteValue(e.Value);
            }
            WriteDictionaryEnd(start);
            return;
        }
        if (signature == "ay")
        {
            WriteArray(value.GetByteArray());
            return;
        }
        ArrayStart arrayStart = WriteArrayStart((DBusType)(byte)signature[1]);
        foreach (VariantValue item in value.GetItems())
        {
            WriteValue(item);
        }
        WriteArrayEnd(arrayStart);
    }

    private void WriteSignatureAscii(string signature)
    {
        Span<byte> ascii = stackalloc byte[signature.Length];
        Encoding.ASCII.GetBytes(signature, ascii);
        WriteSignatureUnchecked(ascii);
    }
}
