using System.Text.Json;
using ShortRange.Adapters;
using ShortRange.Errors;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

public class AdaptersTests
{
    private static FakeMonitor Bluetooth() => new(Technology.Bluetooth, () =>
        [new AdapterInfo(Technology.Bluetooth, "hci1", false, "00:AA:01:01:00:24"), new AdapterInfo(Technology.Bluetooth, "hci0", true, "00:AA:01:00:00:23")]);

    private static FakeMonitor Wpan() => new(Technology.Ieee802154, () => [new AdapterInfo(Technology.Ieee802154, "wpan0", true, "02:00:00:00:00:00:00:01")]);

    private static FakeMonitor Missing(Technology t) => new(t, () => throw new StackUnavailableException(t, "No such stack."));

    [Fact]
    public async Task Text_lists_every_adapter_sorted_in_aligned_columns()
    {
        var r = await ToolRunner.RunAsync(["adapters"], FakeServices.Monitors(Wpan(), Bluetooth()));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(
            "TECH    NAME   STATE  ADDRESS\n" +
            "bt      hci0   on     00:AA:01:00:00:23\n" +
            "bt      hci1   off    00:AA:01:01:00:24\n" +
            "lowpan  wpan0  on     02:00:00:00:00:00:00:01\n", r.Out);
    }

    [Fact]
    public async Task Json_is_an_array_of_adapters()
    {
        var r = await ToolRunner.RunAsync(["adapters", "--json"], FakeServices.Monitors(Bluetooth()));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["technology", "name", "powered", "address"], items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("hci0", items[0].GetProperty("name").GetString());
        Assert.True(items[0].GetProperty("powered").GetBoolean());
        Assert.False(items[1].GetProperty("powered").GetBoolean());
    }

    [Fact]
    public async Task A_missing_stack_is_reported_and_the_rest_listed()
    {
        var r = await ToolRunner.RunAsync(["adapters", "--json"], FakeServices.Monitors(Missing(Technology.Bluetooth), Wpan()));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.StartsWith("Bluetooth is not available: no such stack", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("wpan0", Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Every_stack_missing_exits_unavailable()
    {
        var r = await ToolRunner.RunAsync(["adapters"], FakeServices.Monitors(Missing(Technology.Bluetooth), Missing(Technology.Ieee802154)));
        Assert.Equal(ExitCodes.Unavailable, r.ExitCode);
        Assert.Equal(2, r.ErrorLines.Length);
        Assert.Equal("", r.Out);
    }
}
