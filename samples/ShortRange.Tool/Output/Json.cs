using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ShortRange.Tool.Output;

/// <summary>Compact JSON for scripts, written with Utf8JsonWriter (no reflection).</summary>
public static class Json
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Readable non-ASCII names and text; still valid JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteNullableString(this Utf8JsonWriter w, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    public static void WriteNullableNumber(this Utf8JsonWriter w, string name, int? value)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
