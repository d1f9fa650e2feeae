using ShortRange.Bluetooth.Mgmt;
using ShortRange.Errors;

namespace ShortRange.Bluetooth.Discovery;

internal static class ControllerSelector
{
    /// <summary>Finds the controller named in options ("hci0"), else the first powered one, else the first one.</summary>
    public static async Task<ControllerInfo> SelectAsync(MgmtClient client, string? adapter, CancellationToken ct)
    {
        var indexes = await client.ReadIndexListAsync(ct).ConfigureAwait(false);
        if (adapter is not null)
        {
            if (!ControllerName.TryParseIndex(adapter, out var wanted) || !indexes.Contains(wanted))
                throw new AdapterGoneException(Technology.Bluetooth, adapter, $"Bluetooth controller '{adapter}' does not exist");
            return await client.ReadControllerInfoAsync(wanted, ct).ConfigureAwait(false);
        }
        if (indexes.Length == 0)
            throw new AdapterGoneException(Technology.Bluetooth, "hci?", "No Bluetooth controller is present");
        ControllerInfo? first = null;
        foreach (var i in indexes)
        {
            var info = await client.ReadControllerInfoAsync(i, ct).ConfigureAwait(false);
            if (info.CurrentSettings.HasFlag(MgmtSettings.Powered)) return info;
            first ??= info;
        }
        return first!;
    }
}
