using System.Globalization;
using System.Text;

namespace ShortRange.Gateway.Messages;

/// <summary>The topic tree under the configured prefix (documented in the sample's README).</summary>
public sealed class Topics(string prefix)
{
    public string Prefix { get; } = prefix;
    public string Status => $"{Prefix}/status";
    public string Discovery(Technology technology, string address) =>
        $"{Prefix}/discovery/{technology.ToString().ToLowerInvariant()}/{Level(address)}";
    public string DatagramIn(string source) => $"{Prefix}/lowpan/rx/{Level(source)}";
    /// <summary>Subscription filter for commands: {prefix}/lowpan/tx/{ipv6 address}/{udp port}, payload = the datagram.</summary>
    public string CommandFilter => $"{Prefix}/lowpan/tx/+/+";
    public string Ndef => $"{Prefix}/nfc/ndef";
    public string Gatt(string address, Guid characteristic) =>
        $"{Prefix}/gatt/{Level(address)}/{characteristic.ToString("D", CultureInfo.InvariantCulture)}";

    /// <summary>Parses a command topic into the node's address and port; false for anything else.</summary>
    public bool TryParseCommand(string topic, out string address, out int port)
    {
        address = ""; port = 0;
        string head = $"{Prefix}/lowpan/tx/";
        if (!topic.StartsWith(head, StringComparison.Ordinal)) return false;
        var rest = topic.AsSpan(head.Length);
        int slash = rest.IndexOf('/');
        if (slash <= 0 || !int.TryParse(rest[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535) return false;
        address = rest[..slash].ToString();
        return true;
    }

    /// <summary>One topic level from a device's address text: MQTT wildcards, separators and NUL become '_'.</summary>
    public static string Level(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text) sb.Append(c is '/' or '+' or '#' or '\0' or ' ' ? '_' : c);
        return sb.ToString();
    }
}
