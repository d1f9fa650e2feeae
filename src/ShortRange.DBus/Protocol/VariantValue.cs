using System.Globalization;
using System.Text;

namespace ShortRange.DBus;

/// <summary>
/// Any D-Bus value with its type: what a variant carries, and what <see cref="Reader.ReadValue(string)"/> returns.
/// Build one with the factory methods or implicit conversions and write it with <see cref="MessageWriter.WriteVariant"/>.
/// </summary>
public readonly struct VariantValue : IEquatable<VariantValue>
{
    private readonly long _bits;
    private readonly object? _obj;
    private readonly string? _signature; // set for containers; basic types derive it from Type.

    private VariantValue(DBusType type, long bits, object? obj, string? signature)
    {
        Type = type;
        _bits = bits;
        _obj = obj;
        _signature = signature;
    }

    /// <summary>The outer type code.</summary>
    public DBusType Type { get; }

    /// <summary>The full single-type signature of this value (e.g. "a{sv}").</summary>
    public string Signature => _signature ?? (Type == DBusType.Invalid ? "" : ((char)(byte)Type).ToString());

    public static VariantValue Byte(byte value) => new(DBusType.Byte, value, null, null);
    public static VariantValue Bool(bool value) => new(DBusType.Bool, value ? 1 : 0, null, null);
    public static VariantValue Int16(short value) => new(DBusType.Int16, value, null, null);
    public static VariantValue UInt16(ushort value) => new(DBusType.UInt16, value, null, null);
    public static VariantValue Int32(int value) => new(DBusType.Int32, value, null, null);
    public static VariantValue UInt32(uint value) => new(DBusType.UInt32, value, null, null);
    public static VariantValue Int64(long value) => new(DBusType.Int64, value, null, null);
    public static VariantValue UInt64(ulong value) => new(DBusType.UInt64, unchecked((long)value), null, null);
    public static VariantValue Double(double value) => new(DBusType.Double, BitConverter.DoubleToInt64Bits(value), null, null);
    public static VariantValue String(string value) => new(DBusType.String, 0, value ?? throw new ArgumentNullException(nameof(value)), null);
    public static VariantValue ObjectPath(ObjectPath value) => new(DBusType.ObjectPath, 0, value.Value, null);
    /// <summary>A signature value ('g').</summary>
    public static VariantValue SignatureValue(Signature value) => new(DBusType.Signature, 0, value.Value, null);
    /// <summary>A Unix fd ('h'): the index into the message's fd list.</summary>
    public static VariantValue UnixFdIndex(int index) => new(DBusType.UnixFd, index, null, null);

    /// <summary>A variant holding <paramref name="inner"/> (a variant inside a variant).</summary>
    public static VariantValue Variant(VariantValue inner) => new(DBusType.Variant, 0, new[] { inner }, "v");

    /// <summary>An array of bytes ('ay').</summary>
    public static VariantValue ByteArray(byte[] value) => new(DBusType.Array, 0, value ?? throw new ArgumentNullException(nameof(value)), "ay");

    /// <summary>An array whose elements all have signature <paramref name="elementSignature"/>.</summary>
    public static VariantValue Array(string elementSignature, params VariantValue[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        ValidateSingle(elementSignature);
        foreach (VariantValue item in items)
        {
            if (item.Signature != elementSignature)
            {
                throw new ArgumentException($"Array element of type '{item.Signature}' in an array of '{elementSignature}'.", nameof(items));
            }
        }
        return new(DBusType.Array, 0, items, "a" + elementSignature);
    }

    /// <summary>An array of strings ('as').</summary>
    public static VariantValue StringArray(IEnumerable<string> items) =>
        new(DBusType.Array, 0, items.Select(String).ToArray(), "as");

    /// <summary>A dictionary ('a{kv}').</summary>
    public static VariantValue Dictionary(string keySignature, string valueSignature, params KeyValuePair<VariantValue, VariantValue>[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (keySignature.Length != 1 || !SignatureValidator.IsBasic((byte)keySignature[0]))
        {
            throw new ArgumentException("A dictionary key must be a basic type.", nameof(keySignature));
        }
        ValidateSingle(valueSignature);
        foreach (var e in entries)
        {
            if (e.Key.Signature != keySignature || e.Value.Signature != valueSignature)
            {
                throw new ArgumentException($"Entry of '{e.Key.Signature}'/'{e.Value.Signature}' in a dictionary of '{keySignature}'/'{valueSignature}'.", nameof(entries));
            }
        }
        return new(DBusType.Array, 1, entries, "a{" + keySignature + valueSignature + "}");
    }

    /// <summary>A string→variant dictionary ('a{sv}'), the usual property bag.</summary>
    public static VariantValue StringVariantDictionary(IEnumerable<KeyValuePair<string, VariantValue>> entries) =>
        new(DBusType.Array, 1, entries.Select(e => new KeyValuePair<VariantValue, VariantValue>(String(e.Key), Variant(e.Value))).ToArray(), "a{sv}");

    /// <summary>A struct of the given fields.</summary>
    public static VariantValue Struct(params VariantValue[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length == 0)
        {
            throw new ArgumentException("A struct needs at least one field.", nameof(fields));
        }
        var sb = new StringBuilder("(");
        foreach (VariantValue f in fields)
        {
            sb.Append(f.Signature);
        }
        sb.Append(')');
        string sig = sb.ToString();
        ValidateSingle(sig);
        return new(DBusType.Struct, 0, fields, sig);
    }

    internal static VariantValue FromArrayItems(string signature, VariantValue[] items) => new(DBusType.Array, 0, items, signature);
    internal static VariantValue FromDictEntries(string signature, KeyValuePair<VariantValue, VariantValue>[] entries) => new(DBusType.Array, 1, entries, signature);
    internal static VariantValue FromStructFields(string signature, VariantValue[] fields) => new(DBusType.Struct, 0, fields, signature);
    internal static VariantValue FromBytes(byte[] bytes) => new(DBusType.Array, 0, bytes, "ay");
    internal static VariantValue FromPath(string path) => new(DBusType.ObjectPath, 0, path, null);
    internal static VariantValue FromSignature(string sig) => new(DBusType.Signature, 0, sig, null);

    private static void ValidateSingle(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!SignatureValidator.IsSingleCompleteType(Encoding.ASCII.GetBytes(signature)))
        {
            throw new ArgumentException($"'{signature}' is not a single complete type.", nameof(signature));
        }
    }

    public static implicit operator VariantValue(byte value) => Byte(value);
    public static implicit operator VariantValue(bool value) => Bool(value);
    public static implicit operator VariantValue(short value) => Int16(value);
    public static implicit operator VariantValue(ushort value) => UInt16(value);
    public static implicit operator VariantValue(int value) => Int32(value);
    public static implicit operator VariantValue(uint value) => UInt32(value);
    public static implicit operator VariantValue(long value) => Int64(value);
    public static implicit operator VariantValue(ulong value) => UInt64(value);
    public static implicit operator VariantValue(double value) => Double(value);
    public static implicit operator VariantValue(string value) => String(value);
    public static implicit operator VariantValue(ObjectPath value) => ObjectPath(value);
    public static implicit operator VariantValue(byte[] value) => ByteArray(value);

    public byte GetByte() => Type == DBusType.Byte ? (byte)_bits : throw Mismatch("y");
    public bool GetBool() => Type == DBusType.Bool ? _bits != 0 : throw Mismatch("b");
    public short GetInt16() => Type == DBusType.Int16 ? (short)_bits : throw Mismatch("n");
    public ushort GetUInt16() => Type == DBusType.UInt16 ? (ushort)_bits : throw Mismatch("q");
    public int GetInt32() => Type == DBusType.Int32 ? (int)_bits : throw Mismatch("i");
    public uint GetUInt32() => Type == DBusType.UInt32 ? (uint)_bits : throw Mismatch("u");
    public long GetInt64() => Type == DBusType.Int64 ? _bits : throw Mismatch("x");
    public ulong GetUInt64() => Type == DBusType.UInt64 ? unchecked((ulong)_bits) : throw Mismatch("t");
    public double GetDouble() => Type == DBusType.Double ? BitConverter.Int64BitsToDouble(_bits) : throw Mismatch("d");
    /// <summary>The value of a 's', 'o' or 'g'.</summary>
    public string GetString() => Type is DBusType.String or DBusType.ObjectPath or DBusType.Signature ? (string)_obj! : throw Mismatch("s");
    public ObjectPath GetObjectPath() => Type == DBusType.ObjectPath ? new ObjectPath((string)_obj!) : throw Mismatch("o");
    /// <summary>The fd index of an 'h' value (see <see cref="Message.UnixFds"/>).</summary>
    public int GetUnixFdIndex() => Type == DBusType.UnixFd ? (int)_bits : throw Mismatch("h");

    /// <summary>Widens any integer type to long.</summary>
    public long GetInteger() => Type switch
    {
        DBusType.Byte or DBusType.Int16 or DBusType.UInt16 or DBusType.Int32 or DBusType.UInt32 or DBusType.Int64 => _bits,
        DBusType.UInt64 => checked((long)(ulong)_bits),
        _ => throw Mismatch("integer"),
    };

    /// <summary>The value inside a variant ('v').</summary>
    public VariantValue GetVariantValue() => Type == DBusType.Variant ? ((VariantValue[])_obj!)[0] : throw Mismatch("v");

    /// <summary>Strips any number of variant wrappers.</summary>
    public VariantValue Unwrap()
    {
        VariantValue v = this;
        while (v.Type == DBusType.Variant)
        {
            v = v.GetVariantValue();
        }
        return v;
    }

    /// <summary>True for a dictionary ('a{..}').</summary>
    public bool IsDictionary => Type == DBusType.Array && _bits == 1;

    /// <summary>Element count of an array or dictionary, field count of a struct.</summary>
    public int Count => _obj switch
    {
        byte[] b => b.Length,
        VariantValue[] a when Type != DBusType.Variant => a.Length,
        KeyValuePair<VariantValue, VariantValue>[] d => d.Length,
        _ => throw Mismatch("container"),
    };

    /// <summary>Element <paramref name="index"/> of an array, or field of a struct.</summary>
    public VariantValue GetItem(int index) => _obj switch
    {
        byte[] b => Byte(b[index]),
        VariantValue[] a when Type is DBusType.Array or DBusType.Struct => a[index],
        _ => throw Mismatch("array or struct"),
    };

    /// <summary>Items of an array (not a dictionary) or fields of a struct.</summary>
    public IReadOnlyList<VariantValue> GetItems() => _obj switch
    {
        byte[] b => b.Select(Byte).ToArray(),
        VariantValue[] a when Type is DBusType.Array or DBusType.Struct => a,
        _ => throw Mismatch("array or struct"),
    };

    public byte[] GetByteArray() => _obj as byte[] ?? throw Mismatch("ay");

    public string[] GetStringArray() => Type == DBusType.Array && _obj is VariantValue[] a ? a.Select(v => v.GetString()).ToArray() : throw Mismatch("as");

    /// <summary>Entries of a dictionary.</summary>
    public IReadOnlyList<KeyValuePair<VariantValue, VariantValue>> GetDictionaryEntries() =>
        _obj as KeyValuePair<VariantValue, VariantValue>[] ?? throw Mismatch("a{..}");

    /// <summary>An 'a{sv}' (or any string-keyed dictionary) as a dictionary, variant wrappers of values stripped.</summary>
    public Dictionary<string, VariantValue> GetStringDictionary()
    {
        var result = new Dictionary<string, VariantValue>(StringComparer.Ordinal);
        foreach (var e in GetDictionaryEntries())
        {
            result[e.Key.GetString()] = e.Value.Unwrap();
        }
        return result;
    }

    private InvalidCastException Mismatch(string wanted) => new($"Value of type '{Signature}' is not '{wanted}'.");

    public bool Equals(VariantValue other)
    {
        if (Type != other.Type || Signature != other.Signature || _bits != other._bits)
        {
            return false;
        }
        return (_obj, other._obj) switch
        {
            (null, null) => true,
            (string a, string b) => a == b,
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (VariantValue[] a, VariantValue[] b) => a.AsSpan().SequenceEqual(b),
            (KeyValuePair<VariantValue, VariantValue>[] a, KeyValuePair<VariantValue, VariantValue>[] b) =>
                a.Length == b.Length && a.Zip(b).All(p => p.First.Key.Equals(p.Second.Key) && p.First.Value.Equals(p.Second.Value)),
            _ => false,
        };
    }

    public override bool Equals(object? obj) => obj is VariantValue v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(Type, _bits, _obj is string s ? s.GetHashCode(StringComparison.Ordinal) : 0);

    public static bool operator ==(VariantValue left, VariantValue right) => left.Equals(right);

    public static bool operator !=(VariantValue left, VariantValue right) => !left.Equals(right);

    public override string ToString() => Type switch
    {
        DBusType.Invalid => "<invalid>",
        DBusType.Bool => GetBool() ? "true" : "false",
        DBusType.Double => GetDouble().ToString(CultureInfo.InvariantCulture),
        DBusType.UInt64 => GetUInt64().ToString(CultureInfo.InvariantCulture),
        DBusType.String or DBusType.ObjectPath or DBusType.Signature => (string)_obj!,
        DBusType.Variant => "<" + GetVariantValue().ToString() + ">",
        DBusType.Struct => "(" + string.Join(", ", GetItems()) + ")",
        DBusType.Array when IsDictionary => "{" + string.Join(", ", GetDictionaryEntries().Select(e => e.Key + ": " + e.Value)) + "}",
        DBusType.Array => "[" + string.Join(", ", GetItems()) + "]",
        _ => _bits.ToString(CultureInfo.InvariantCulture),
    };
}
