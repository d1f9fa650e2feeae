namespace ShortRange.Tool.Infrastructure;

/// <summary>How the tool names technologies: on the command line (bt, lowpan, nfc), in text and in JSON.</summary>
public static class TechnologyNames
{
    public static string Display(Technology t) => t switch
    {
        Technology.Bluetooth => "Bluetooth",
        Technology.Ieee802154 => "IEEE 802.15.4",
        Technology.Nfc => "NFC",
        _ => t.ToString(),
    };

    /// <summary>The short name used by --tech and in JSON output.</summary>
    public static string Short(Technology t) => t switch
    {
        Technology.Bluetooth => "bt",
        Technology.Ieee802154 => "lowpan",
        Technology.Nfc => "nfc",
        _ => t.ToString().ToLowerInvariant(),
    };

    public static readonly string[] ShortNames = ["bt", "lowpan", "nfc"];

    public static Technology Parse(string name) => name switch
    {
        "bt" => Technology.Bluetooth,
        "lowpan" => Technology.Ieee802154,
        "nfc" => Technology.Nfc,
        _ => throw new UsageException($"unknown technology '{name}' (expected bt, lowpan or nfc)"),
    };
}
