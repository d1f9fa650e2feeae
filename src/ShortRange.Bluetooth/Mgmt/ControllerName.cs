using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>
/// Controller names ("hci0") and the mgmt index behind them. The kernel names a controller "hci" + its index when it
/// registers it (net/bluetooth/hci_core.c, hci_register_dev), and mgmt addresses it by that same index
/// (doc/mgmt-api.txt, "Controller Index").
/// </summary>
public static class ControllerName
{
    private const string Prefix = "hci";

    /// <summary>The kernel's name of the controller with mgmt index <paramref name="index"/>.</summary>
    public static string Format(ushort index) => Prefix + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The mgmt index named by <paramref name="name"/> ("hci" followed by decimal digits only).</summary>
    public static bool TryParseIndex([NotNullWhen(true)] string? name, out ushort index)
    {
        index = 0;
        return name is not null && name.StartsWith(Prefix, StringComparison.Ordinal)
            && ushort.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <exception cref="ArgumentException"><paramref name="name"/> is not a controller name such as "hci0".</exception>
    public static ushort ParseIndex(string name) =>
        TryParseIndex(name, out var index) ? index
            : throw new ArgumentException($"'{name}' is not a Bluetooth controller name (hciN)", nameof(name));
}
