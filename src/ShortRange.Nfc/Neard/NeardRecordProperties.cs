
namespace ShortRange.Nfc.Neard;

/// <summary>
/// org.neard.Record properties (doc/tag-api.txt "Record hierarchy"), also the attribute dictionary of Tag.Write and
/// Device.Push (doc/device-api.txt): Type is "Text", "URI", "SmartPoster", "HandoverRequest", "HandoverSelect",
/// "HandoverCarrier", "AAR" or "MIME"; the others apply per type.
/// </summary>
public sealed record NeardRecordProperties(string Type)
{
    /// <summary>"UTF-8" or "UTF-16" (Text and Smart Poster titles).</summary>
    public string? Encoding { get; init; }
    /// <summary>IANA language code (Text and Smart Poster titles).</summary>
    public string? Language { get; init; }
    /// <summary>The text (Text and Smart Poster titles).</summary>
    public string? Representation { get; init; }
    /// <summary>Complete URI (URI, Smart Poster).</summary>
    public string? Uri { get; init; }
    /// <summary>MIME type of the object the URI points at (Smart Poster), or of a MIME record (Push/Write key "MIME").</summary>
    public string? MimeType { get; init; }
    /// <summary>Size of the object the URI points at (Smart Poster).</summary>
    public uint? Size { get; init; }
    /// <summary>"Do", "Save" or "Edit" (Smart Poster).</summary>
    public string? Action { get; init; }
    /// <summary>Android package name (AAR).</summary>
    public string? AndroidPackage { get; init; }
    /// <summary>"bluetooth" and/or "wifi" (Push of Handover/StaticHandover).</summary>
    public string? Carrier { get; init; }
    /// <summary>MIME payload (Push of MIME).</summary>
    public byte[]? Payload { get; init; }

    public static NeardRecordProperties Text(string text, string language = "en", string encoding = "UTF-8") =>
        new("Text") { Representation = text, Language = language, Encoding = encoding };

    public static NeardRecordProperties UriRecord(string uri) => new("URI") { Uri = uri };

    public static NeardRecordProperties SmartPoster(string uri) => new("SmartPoster") { Uri = uri };

    /// <summary>Reads a Record's properties (unknown keys ignored, wrong types: <see cref="Errors.NeardFormatException"/>).</summary>
    public static NeardRecordProperties FromDictionary(IReadOnlyDictionary<string, object> d, string path = "record")
    {
        ArgumentNullException.ThrowIfNull(d);
        return NeardPropertyReader.Read(path, () => new NeardRecordProperties(Str(d, "Type") ?? "")
        {
            Encoding = Str(d, "Encoding"),
            Language = Str(d, "Language"),
            Representation = Str(d, "Representation"),
            Uri = Str(d, "URI"),
            MimeType = Str(d, "MIMEType") ?? Str(d, "MIME"),
            Size = d.ContainsKey("Size") ? NeardPropertyReader.Get(d, "Size", NeardPropertyReader.UInt32) : (uint?)null,
            Action = Str(d, "Action"),
            AndroidPackage = Str(d, "AndroidPackage"),
            Carrier = Str(d, "Carrier"),
            Payload = NeardPropertyReader.Get<byte[]>(d, "Payload"),
        });
    }

    /// <summary>The a{sv} attribute dictionary for Tag.Write / Device.Push (MIME type under the key "MIME", as Push expects).</summary>
    public IReadOnlyList<KeyValuePair<string, object>> ToDictionary()
    {
        var d = new List<KeyValuePair<string, object>> { new("Type", Type) };
        void Add(string k, string? v)
        {
            if (v is not null) d.Add(new(k, v));
        }
        Add("Encoding", Encoding);
        Add("Language", Language);
        Add("Representation", Representation);
        Add("URI", Uri);
        Add(Type == "MIME" ? "MIME" : "MIMEType", MimeType);
        if (Size is { } size) d.Add(new("Size", size));
        Add("Action", Action);
        Add("AndroidPackage", AndroidPackage);
        Add("Carrier", Carrier);
        if (Payload is not null) d.Add(new("Payload", Payload));
        return d;
    }

    internal static string? Str(IReadOnlyDictionary<string, object> d, string key) =>
        NeardPropertyReader.Get<string>(d, key);
}
