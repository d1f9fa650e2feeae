using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Neard;

/// <summary>StartPollLoop modes (doc/adapter-api.txt): poll as initiator, listen as target, or alternate.</summary>
public enum NeardPollMode
{
    Initiator,
    Target,
    Dual,
}

/// <summary>org.neard.Adapter properties (doc/adapter-api.txt).</summary>
/// <param name="Mode">"Initiator", "Target" or "Idle".</param>
/// <param name="Protocols">Supported protocols: "Felica", "MIFARE", "Jewel", "ISO-DEP", "NFC-DEP".</param>
public sealed record NeardAdapterProperties(string Path, string Mode, bool Powered, bool Polling, IReadOnlyList<string> Protocols)
{
    /// <summary>Adapter name: the last path element ("nfc0").</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public static NeardAdapterProperties FromDictionary(string path, IReadOnlyDictionary<string, object> d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return NeardPropertyReader.Read(path, () => new NeardAdapterProperties(path,
            NeardRecordProperties.Str(d, "Mode") ?? "Idle",
            NeardPropertyReader.Get<bool>(d, "Powered"),
            NeardPropertyReader.Get<bool>(d, "Polling"),
            NeardPropertyReader.Get<string[]>(d, "Protocols") ?? []));
    }
}

/// <summary>org.neard.Tag properties (doc/tag-api.txt).</summary>
/// <param name="Type">"Type 1"…"Type 5" or "NFC-DEP".</param>
/// <param name="Protocol">"Felica", "MIFARE", "Jewel", "ISO-DEP".</param>
/// <param name="Adapter">Object path of the adapter.</param>
public sealed record NeardTagProperties(string Path, string Type, string? Protocol, bool ReadOnly, string? Adapter)
{
    public static NeardTagProperties FromDictionary(string path, IReadOnlyDictionary<string, object> d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return NeardPropertyReader.Read(path, () => new NeardTagProperties(path, NeardRecordProperties.Str(d, "Type") ?? "", NeardRecordProperties.Str(d, "Protocol"),
            NeardPropertyReader.Get<bool>(d, "ReadOnly"), NeardRecordProperties.Str(d, "Adapter")));
    }
}

/// <summary>What appeared or disappeared below an adapter: a tag, a peer device or a record.</summary>
public enum NeardObjectKind
{
    Adapter,
    Tag,
    Device,
    Record,
}

/// <summary>An object of neard's tree (from GetManagedObjects or InterfacesAdded/Removed).</summary>
public sealed record NeardObject(string Path, NeardObjectKind Kind, IReadOnlyDictionary<string, object> Properties)
{
    /// <summary>Index from a path element like "nfc0", "tag3", "device1" (the digits after the name), or null.</summary>
    public static uint? IndexOf(string path, string prefix)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var part in path.Split('/'))
            if (part.StartsWith(prefix, StringComparison.Ordinal) && uint.TryParse(part.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint i))
                return i;
        return null;
    }

    internal static NeardObject? From(string path, IReadOnlyDictionary<string, Dictionary<string, object>> interfaces)
    {
        if (interfaces.TryGetValue(NeardNames.AdapterInterface, out var a)) return new(path, NeardObjectKind.Adapter, a);
        if (interfaces.TryGetValue(NeardNames.TagInterface, out var t)) return new(path, NeardObjectKind.Tag, t);
        if (interfaces.TryGetValue(NeardNames.DeviceInterface, out var d)) return new(path, NeardObjectKind.Device, d);
        if (interfaces.TryGetValue(NeardNames.RecordInterface, out var r)) return new(path, NeardObjectKind.Record, r);
        return null;
    }

    internal static NeardObjectKind? KindOf(IReadOnlyList<string> interfaces)
    {
        foreach (var i in interfaces)
            switch (i)
            {
                case NeardNames.AdapterInterface: return NeardObjectKind.Adapter;
                case NeardNames.TagInterface: return NeardObjectKind.Tag;
                case NeardNames.DeviceInterface: return NeardObjectKind.Device;
                case NeardNames.RecordInterface: return NeardObjectKind.Record;
            }
        return null;
    }
}

/// <summary>An object added to (<see cref="Added"/> true) or removed from neard's tree.</summary>
public sealed record NeardObjectEvent(bool Added, NeardObject Object);

/// <summary>neard is another process: a property of an unexpected type is reported as <see cref="NeardFormatException"/>.</summary>
internal static class NeardPropertyReader
{
    /// <summary>The property's value (default when absent); a wrong type names the property in the exception.</summary>
    public static T? Get<T>(IReadOnlyDictionary<string, object> d, string key, Func<object, T> read)
    {
        if (!d.TryGetValue(key, out var v)) return default;
        try
        {
            return read(v);
        }
        catch (InvalidCastException e)
        {
            throw new InvalidCastException($"property '{key}': {e.Message}", e);
        }
    }

    /// <summary>The value as <typeparamref name="T"/>, or InvalidCastException naming both types.</summary>
    public static T As<T>(object value) =>
        value is T t ? t : throw new InvalidCastException($"expected {Expected<T>()}, got {Describe(value)}");

    // Names without reflection (Type.Name's first use allocates its caches: bad input must stay cheap).
    private static string Expected<T>() =>
        typeof(T) == typeof(bool) ? "boolean" : typeof(T) == typeof(string) ? "string" : typeof(T) == typeof(byte[]) ? "byte array"
        : typeof(T) == typeof(string[]) ? "string array" : "another type";

    private static string Describe(object value) => value switch
    {
        bool => "boolean",
        string => "string",
        byte[] => "byte array",
        string[] => "string array",
        byte or short or ushort or int or uint or long or ulong => "integer",
        double => "double",
        object[] => "array or struct",
        Dictionary<string, object> => "dictionary",
        _ => "another type",
    };

    /// <summary>Any D-Bus integer as uint (range-checked: OverflowException).</summary>
    public static uint UInt32(object value) => value switch
    {
        byte b => b,
        ushort u => u,
        uint u => u,
        ulong u => checked((uint)u),
        short i => checked((uint)i),
        int i => checked((uint)i),
        long i => checked((uint)i),
        _ => throw new InvalidCastException($"expected an integer, got {Describe(value)}"),
    };

    /// <summary>The property as <typeparamref name="T"/> (default when absent); a wrong type names the property.</summary>
    public static T? Get<T>(IReadOnlyDictionary<string, object> d, string key)
    {
        if (!d.TryGetValue(key, out var v)) return default;
        return v is T t ? t : throw new InvalidCastException($"property '{key}': expected {Expected<T>()}, got {Describe(v)}");
    }

    public static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException)
        {
            throw new NeardFormatException(path, e.Message, e);
        }
    }
}
