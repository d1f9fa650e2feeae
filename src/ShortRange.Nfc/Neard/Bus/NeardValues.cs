using System.Globalization;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Neard.Bus;

/// <summary>
/// D-Bus values to and from the plain .NET values ShortRange's neard API uses (string, bool, byte, the integer types,
/// double, byte[], string[] for "as"/"ao", object[] for other arrays and structs, Dictionary&lt;string, object&gt; for
/// a{s*}), so no D-Bus type appears in public signatures.
/// </summary>
internal static class NeardValues
{
    /// <summary>Reads an a{sv} body value.</summary>
    public static Dictionary<string, object> ReadStringVariantDictionary(ref Reader reader)
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in reader.ReadDictionaryOfStringToVariantValue()) d[key] = ToObject(value);
        return d;
    }

    public static object ToObject(VariantValue v) => v.Type switch
    {
        VariantValueType.Byte => v.GetByte(),
        VariantValueType.Bool => v.GetBool(),
        VariantValueType.Int16 => v.GetInt16(),
        VariantValueType.UInt16 => v.GetUInt16(),
        VariantValueType.Int32 => v.GetInt32(),
        VariantValueType.UInt32 => v.GetUInt32(),
        VariantValueType.Int64 => v.GetInt64(),
        VariantValueType.UInt64 => v.GetUInt64(),
        VariantValueType.Double => v.GetDouble(),
        VariantValueType.String => v.GetString(),
        VariantValueType.ObjectPath => v.GetObjectPathAsString(),
        VariantValueType.Signature => v.GetSignature().ToString(),
        VariantValueType.Variant => ToObject(v.GetVariantValue()),
        VariantValueType.Array => v.ItemType switch
        {
            VariantValueType.Byte => v.GetArray<byte>(),
            VariantValueType.String => v.GetArray<string>(),
            VariantValueType.ObjectPath => Items(v).Select(i => (string)i).ToArray(),
            _ => Items(v),
        },
        VariantValueType.Struct => Items(v),
        VariantValueType.Dictionary => Entries(v),
        var t => throw new InvalidCastException($"unsupported D-Bus value type {t}"),
    };

    private static object[] Items(VariantValue v)
    {
        var items = new object[v.Count];
        for (int i = 0; i < items.Length; i++) items[i] = ToObject(v.GetItem(i));
        return items;
    }

    private static Dictionary<string, object> Entries(VariantValue v)
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        for (int i = 0; i < v.Count; i++)
        {
            var (key, value) = v.GetDictionaryEntry(i);
            d[Convert.ToString(ToObject(key), CultureInfo.InvariantCulture) ?? ""] = ToObject(value);
        }
        return d;
    }

    /// <summary>
    /// Writes <paramref name="entries"/> as a{sv}. MessageWriter is a mutable struct: it is passed by reference, because a
    /// copy would advance its own position while the caller's writer finishes a message with a stale length.
    /// </summary>
    public static void WriteStringVariantDictionary(ref MessageWriter writer, IEnumerable<KeyValuePair<string, object>> entries)
    {
        ArrayStart start = writer.WriteDictionaryStart();
        foreach (var (key, value) in entries)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(key);
            WriteVariant(ref writer, value);
        }
        writer.WriteDictionaryEnd(start);
    }

    private static void WriteVariant(ref MessageWriter writer, object value)
    {
        switch (value)
        {
            case string s: writer.WriteVariantString(s); break;
            case bool b: writer.WriteVariantBool(b); break;
            case byte b: writer.WriteVariantByte(b); break;
            case short i: writer.WriteVariantInt16(i); break;
            case ushort i: writer.WriteVariantUInt16(i); break;
            case int i: writer.WriteVariantInt32(i); break;
            case uint i: writer.WriteVariantUInt32(i); break;
            case long i: writer.WriteVariantInt64(i); break;
            case ulong i: writer.WriteVariantUInt64(i); break;
            case double d: writer.WriteVariantDouble(d); break;
            case byte[] a: writer.WriteVariant(VariantValue.Array(a)); break;
            case string[] a: writer.WriteVariant(VariantValue.Array(a)); break;
            default: throw new ArgumentException($"no D-Bus mapping for {value.GetType().Name}", nameof(value));
        }
    }
}
