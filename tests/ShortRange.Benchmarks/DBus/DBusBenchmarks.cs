using BenchmarkDotNet.Attributes;
using ShortRange.DBus;

namespace ShortRange.Benchmarks.DBus;

/// <summary>
/// D-Bus wire codec without a daemon: marshal a neard-style PropertiesChanged signal (s a{sv} as) and unmarshal it.
/// (Round trips per second over a real dbus-daemon are measured by tests/ShortRange.DBus.Benchmarks; issue 6 target ≥5× python3-dbus, ≤1 KiB per call.)
/// </summary>
[MemoryDiagnoser]
public class DBusBenchmarks
{
    private static readonly KeyValuePair<string, VariantValue>[] Properties =
    [
        new("Powered", true), new("Polling", false), new("Mode", "Initiator"),
        new("Protocols", VariantValue.StringArray(["MIFARE", "ISO-DEP", "NFC-DEP"])),
    ];
    private byte[] _message = [];

    [GlobalSetup]
    public void Setup()
    {
        using var m = Marshal();
        _message = m.ToArray();
    }

    private static MessageBuffer Marshal()
    {
        var w = new MessageWriter();
        try
        {
            w.WriteSignalHeader(null, "/org/neard/nfc0", "org.freedesktop.DBus.Properties", "PropertiesChanged", "sa{sv}as");
            w.WriteString("org.neard.Adapter");
            w.WriteDictionary(Properties);
            w.WriteArray(Array.Empty<string>());
            var m = w.CreateMessage();
            m.Serial = 42;
            return m;
        }
        finally
        {
            w.Dispose();
        }
    }

    [Benchmark]
    public int MarshalSignal()
    {
        using var m = Marshal();
        return m.Length;
    }

    /// <summary>Header validation only (what routing a message costs).</summary>
    [Benchmark]
    public int ParseHeader()
    {
        using var m = Message.Parse(_message);
        return m.BodyLength;
    }

    /// <summary>Header + every body value into VariantValues.</summary>
    [Benchmark]
    public int UnmarshalSignal()
    {
        using var m = Message.Parse(_message);
        var reader = m.GetBodyReader();
        _ = reader.ReadString();
        return reader.ReadDictionaryOfStringToVariantValue().Count + reader.ReadArrayOfString().Length;
    }
}
