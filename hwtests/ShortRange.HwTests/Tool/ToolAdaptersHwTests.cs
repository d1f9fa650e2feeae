using System.Text.Json;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>`shortrange adapters` in the lab lists the lab's radios.</summary>
public class ToolAdaptersHwTests
{
    [Fact]
    public void Adapters_json_lists_the_lab_controllers_wpan_interfaces_and_nfc_devices()
    {
        var (bt0, bt1) = LabRequire.BluetoothPair();
        var (wpan0, wpan1) = LabRequire.WpanPair();
        var (nfc0, nfc1) = LabRequire.NfcPair();
        LabRequire.Root();
        var r = ShortRangeTool.Run("adapters", "--json");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StandardError}");
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var names = doc.RootElement.EnumerateArray()
            .Select(a => (a.GetProperty("technology").GetString(), a.GetProperty("name").GetString())).ToList();
        Assert.Contains(("bt", bt0), names);
        Assert.Contains(("bt", bt1), names);
        Assert.Contains(("lowpan", wpan0), names);
        Assert.Contains(("lowpan", wpan1), names);
        Assert.Contains(("nfc", nfc0), names);
        Assert.Contains(("nfc", nfc1), names);
    }

    [Fact]
    public void Adapters_text_has_one_row_per_adapter()
    {
        var (bt0, _) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var r = ShortRangeTool.Run("adapters");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StandardError}");
        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("TECH", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["bt", var n, _, _] && n == bt0);
    }
}
