using System.Text;

namespace ShortRange.DBus;

/// <summary>
/// A parsed server address ("Server Addresses" in the specification): <c>transport:key=value,key=value</c>,
/// several separated by ';', values %-escaped. Supported transports: <c>unix:path=</c> and <c>unix:abstract=</c>.
/// </summary>
public sealed record DBusAddress(string Transport, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>Default system bus address when DBUS_SYSTEM_BUS_ADDRESS is unset ("Well-known Message Bus Instances").</summary>
    public const string DefaultSystemBusAddress = "unix:path=/var/run/dbus/system_bus_socket";

    /// <summary>DBUS_SYSTEM_BUS_ADDRESS, or the default.</summary>
    public static string SystemBusAddress =>
        Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } a ? a : DefaultSystemBusAddress;

    /// <summary>DBUS_SESSION_BUS_ADDRESS, or null when there is no session bus.</summary>
    public static string? SessionBusAddress =>
        Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } a ? a : null;

    /// <summary>The unix socket path for this address: a file path, or "\0name" for an abstract socket; null if unsupported.</summary>
    public string? UnixSocketPath =>
        Transport != "unix" ? null
        : Properties.TryGetValue("path", out string? p) ? p
        : Properties.TryGetValue("abstract", out string? a) ? "\0" + a
        : null;

    public string? Guid => Properties.TryGetValue("guid", out string? g) ? g : null;

    /// <summary>Parses a ';'-separated address list. Throws <see cref="FormatException"/> for malformed entries.</summary>
    public static IReadOnlyList<DBusAddress> ParseList(string addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var result = new List<DBusAddress>();
        foreach (string entry in addresses.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            result.Add(Parse(entry));
        }
        return result;
    }

    public static DBusAddress Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        int colon = address.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"D-Bus address '{address}' has no transport.");
        }
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        string rest = address.Substring(colon + 1);
        foreach (string pair in rest.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"D-Bus address '{address}' has a malformed key=value pair '{pair}'.");
            }
            props[pair.Substring(0, eq)] = Unescape(pair.Substring(eq + 1), address);
        }
        return new DBusAddress(address.Substring(0, colon), props);
    }

    /// <summary>%-escaping: every byte other than [-0-9A-Za-z_/.\*] may be written as %XX.</summary>
    private static string Unescape(string value, string address)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }
        var bytes = new List<byte>(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '%')
            {
                if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out byte b))
                {
                    throw new FormatException($"D-Bus address '{address}' has a bad %-escape.");
                }
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>%-escapes a value for use in an address.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.' or '\\' or '*')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
