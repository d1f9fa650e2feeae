using System.Text;

namespace ShortRange.DBus;

public ref partial struct Reader
{
    /// <summary>VARIANT: reads the signature (one complete type) and the value.</summary>
    public VariantValue ReadVariantValue()
    {
        ReadOnlySpan<byte> signature = ReadSignatureAsSpan();
        if (!SignatureValidator.IsSingleCompleteType(signature))
        {
            ThrowHelper.Protocol("Variant signature is not a single complete type.");
        }
        return ReadValueCore(signature);
    }

    /// <summary>Reads one value of the single complete type <paramref name="signature"/>.</summary>
    public VariantValue ReadValue(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        Span<byte> ascii = stackalloc byte[Math.Min(signature.Length, 256)];
        if (signature.Length > 255 || Encoding.ASCII.GetBytes(signature, ascii) != signature.Length
            || !SignatureValidator.IsSingleCompleteType(ascii.Slice(0, signature.Length)))
        {
            throw new ArgumentException($"'{signature}' is not a single complete type.", nameof(signature));
        }
        return ReadValueCore(ascii.Slice(0, signature.Length));
    }

    private VariantValue ReadValueCore(scoped ReadOnlySpan<byte> sig)
    {
        switch ((DBusType)sig[0])
        {
            case DBusType.Byte: return VariantValue.Byte(ReadByte());
            case DBusType.Bool: return VariantValue.Bool(ReadBool());
            case DBusType.Int16: return VariantValue.Int16(ReadInt16());
            case DBusType.UInt16: return VariantValue.UInt16(ReadUInt16());
            case DBusType.Int32: return VariantValue.Int32(ReadInt32());
            case DBusType.UInt32: return VariantValue.UInt32(ReadUInt32());
            case DBusType.Int64: return VariantValue.Int64(ReadInt64());
            case DBusType.UInt64: return VariantValue.UInt64(ReadUInt64());
            case DBusType.Double: return VariantValue.Double(ReadDouble());
            case DBusType.String: return VariantValue.String(ReadString());
            case DBusType.ObjectPath: return VariantValue.FromPath(Encoding.UTF8.GetString(ReadObjectPathAsSpan()));
            case DBusType.Signature: return VariantValue.FromSignature(ReadSignature());
            case DBusType.UnixFd: return VariantValue.UnixFdIndex(ReadUnixFdIndex());
        }
        Enter();
        try
        {
            switch ((DBusType)sig[0])
            {
                case DBusType.Variant:
                    return VariantValue.Variant(ReadVariantValue());
                case DBusType.Struct:
                    return ReadStructValue(sig);
                case DBusType.Array:
                    return ReadArrayValue(sig);
                default:
                    return ThrowHelper.Protocol<VariantValue>($"Unexpected type code '{(char)sig[0]}'.");
            }
        }
        finally
        {
            _depth--;
        }
    }

    private void Enter()
    {
        if (++_depth > ProtocolConstants.MaxTotalDepth)
        {
            ThrowHelper.Protocol("Values nested deeper than 64 (containers and variants).");
        }
    }

    private VariantValue ReadStructValue(scoped ReadOnlySpan<byte> sig)
    {
        AlignStruct();
        var fields = new List<VariantValue>();
        int pos = 1;
        while (sig[pos] != (byte)')')
        {
            int len = SignatureValidator.GetFirstTypeLength(sig.Slice(pos));
            fields.Add(ReadValueCore(sig.Slice(pos, len)));
            pos += len;
        }
        return VariantValue.FromStructFields(Encoding.ASCII.GetString(sig.Slice(0, pos + 1)), fields.ToArray());
    }

    private VariantValue ReadArrayValue(scoped ReadOnlySpan<byte> sig)
    {
        ReadOnlySpan<byte> element = sig.Slice(1);
        string signature = Encoding.ASCII.GetString(sig);
        if (element[0] == (byte)'y')
        {
            return VariantValue.FromBytes(ReadArrayOfByte());
        }
        if (element[0] == (byte)'{')
        {
            int keyLen = 1;
            int valueLen = SignatureValidator.GetFirstTypeLength(element.Slice(2));
            ReadOnlySpan<byte> keySig = element.Slice(1, keyLen);
            ReadOnlySpan<byte> valueSig = element.Slice(2, valueLen);
            var entries = new List<KeyValuePair<VariantValue, VariantValue>>();
            ArrayEnd dictEnd = ReadDictionaryStart();
            Enter();
            try
            {
                while (HasNext(dictEnd))
                {
                    AlignStruct();
                    VariantValue key = ReadValueCore(keySig);
                    VariantValue value = ReadValueCore(valueSig);
                    entries.Add(new(key, value));
                }
            }
            finally
            {
                _depth--;
            }
            return VariantValue.FromDictEntries(signature, entries.ToArray());
        }
        var items = new List<VariantValue>();
        ArrayEnd end = ReadArrayStart((DBusType)element[0]);
        while (HasNext(end))
        {
            items.Add(ReadValueCore(element));
        }
        return VariantValue.FromArrayItems(signature, items.ToArray());
    }
}
