using System.Text;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// What the kernel holds for one controller beyond mgmt's settings: every readable file of
/// /sys/kernel/debug/bluetooth/hciN (link keys, accept list, blocked keys, device class, UUIDs, SSP debug mode, key sizes…)
/// and `hciconfig -a` (page/inquiry scan, auth/encrypt, link policy and mode). Compared before and after something that
/// took over the controllers (bluetoothd) to name what it left behind.
/// </summary>
internal static class BluetoothKernelState
{
    // Change on their own (timers, inquiry results, live links): not residue.
    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal) { "inquiry_cache", "conn_info_min_age", "conn_info_max_age", "hardware_error" };

    public static Dictionary<string, string> Snapshot(ushort index)
    {
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        string dir = $"/sys/kernel/debug/bluetooth/hci{index}";
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(file);
                if (Volatile.Contains(name)) continue;
                try { state[name] = File.ReadAllText(file).Trim(); }
                catch (IOException) { } // write-only knobs, files without a read op
                catch (UnauthorizedAccessException) { }
            }
        }
        var hciconfig = LabProcess.Run("hciconfig", "-a", $"hci{index}");
        // The RX/TX counters move with every packet; the rest is configuration.
        state["hciconfig"] = string.Join(" | ", hciconfig.StandardOutput.Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("RX ", StringComparison.Ordinal) && !l.StartsWith("TX ", StringComparison.Ordinal)));
        return state;
    }

    /// <summary>"name: before → after" for every entry that differs (empty when none).</summary>
    public static string Diff(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        var sb = new StringBuilder();
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(key, out var b);
            after.TryGetValue(key, out var a);
            if (b == a) continue;
            sb.Append(key).Append(": '").Append(Short(b)).Append("' → '").Append(Short(a)).Append("'; ");
        }
        return sb.ToString();
    }

    private static string Short(string? s) => s is null ? "(absent)" : (s.Length > 300 ? s[..300] + "…" : s).Replace('\n', ' ');
}
