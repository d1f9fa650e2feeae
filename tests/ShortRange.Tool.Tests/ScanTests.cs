using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth;
using ShortRange.Discovery;
using ShortRange.LowPan;
using ShortRange.Devices;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

/// <summary>`scan` over the SDK's real discovery core with fake technology scanners.</summary>
public class ScanTests
{
    private static readonly BluetoothDeviceAddress Peer = BluetoothDeviceAddress.Parse("00:AA:01:01:00:24");

    private static FakeScanner Bluetooth(params DeviceSighting[] sightings) => new(Technology.Bluetooth, o =>
    {
        foreach (var s in sightings) o.OnNext(s);
        return null;
    });

    private static DeviceSighting Sighting(string? name, int rssi) =>
        new(Peer, "hci0", DateTimeOffset.Parse("2026-11-23T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture), name, rssi, SignalKind.Rssi);

    [Fact]
    public async Task Json_lines_have_one_object_per_event_with_every_field()
    {
        var scanner = Bluetooth(Sighting(null, -60), Sighting("BlueZ 5.66", -58));
        var r = await ToolRunner.RunAsync(["scan", "--tech", "bt", "--timeout", "0.5", "--json"], FakeServices.Scanners(scanner));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("", r.Error);
        var lines = r.OutLines;
        Assert.Equal(2, lines.Length);
        using var found = JsonDocument.Parse(lines[0]);
        Assert.Equal(["event", "technology", "address", "adapter", "name", "signal", "signalKind", "firstSeen", "lastSeen"],
            found.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("found", found.RootElement.GetProperty("event").GetString());
        Assert.Equal("bt", found.RootElement.GetProperty("technology").GetString());
        Assert.Equal("00:AA:01:01:00:24", found.RootElement.GetProperty("address").GetString());
        Assert.Equal("hci0", found.RootElement.GetProperty("adapter").GetString());
        Assert.Equal(JsonValueKind.Null, found.RootElement.GetProperty("name").ValueKind);
        Assert.Equal(-60, found.RootElement.GetProperty("signal").GetInt32());
        Assert.Equal("rssi", found.RootElement.GetProperty("signalKind").GetString());
        using var updated = JsonDocument.Parse(lines[1]);
        Assert.Equal("updated", updated.RootElement.GetProperty("event").GetString());
        Assert.Equal("BlueZ 5.66", updated.RootElement.GetProperty("name").GetString());
        Assert.False(scanner.IsRunning, "the radio scan must stop when the command ends");
    }

    [Fact]
    public async Task Text_lines_when_output_is_not_a_terminal()
    {
        var r = await ToolRunner.RunAsync(["scan", "--timeout", "0.5"], FakeServices.Scanners(Bluetooth(Sighting("BlueZ", -60))));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("found   bt     00:AA:01:01:00:24 hci0 -60 dBm \"BlueZ\"\n", r.Out);
        Assert.Equal("1 device(s) seen", r.ErrorLines[^1]);
    }

    [Fact]
    public async Task Name_filter_uses_the_discovery_filter()
    {
        var r = await ToolRunner.RunAsync(["scan", "--timeout", "0.5", "--json", "--name", "sensor"], FakeServices.Scanners(Bluetooth(Sighting("BlueZ", -60))));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Missing_stack_exits_unavailable_with_one_line_and_a_lab_hint()
    {
        var scanner = FakeScanner.Unavailable(Technology.Bluetooth, "This kernel has no Bluetooth support (AF_BLUETOOTH).");
        var r = await ToolRunner.RunAsync(["scan", "--tech", "bt", "--json"], FakeServices.Scanners(scanner));
        Assert.Equal(ExitCodes.Unavailable, r.ExitCode);
        Assert.Equal("", r.Out);
        string expected = Environment.GetEnvironmentVariable("SHORTRANGE_LAB") == "1"
            ? "Bluetooth is not available: this kernel has no Bluetooth support (AF_BLUETOOTH)"
            : "Bluetooth is not available: this kernel has no Bluetooth support (AF_BLUETOOTH) (try: shortrange lab -- scan --tech bt --json)";
        Assert.Equal(expected, Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task One_missing_stack_does_not_stop_the_others()
    {
        var lowpan = FakeScanner.Unavailable(Technology.Ieee802154, "No IEEE 802.15.4 (wpan) interface.");
        var r = await ToolRunner.RunAsync(["scan", "--timeout", "0.5", "--json"], FakeServices.Scanners(Bluetooth(Sighting("BlueZ", -60)), lowpan));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Single(r.OutLines);
        Assert.StartsWith("IEEE 802.15.4 is not available: no IEEE 802.15.4 (wpan) interface", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unregistered_technology_is_unavailable()
    {
        var r = await ToolRunner.RunAsync(["scan", "--tech", "nfc", "--timeout", "0.5"], FakeServices.Scanners(Bluetooth()));
        Assert.Equal(ExitCodes.Unavailable, r.ExitCode);
        Assert.StartsWith("NFC is not available: ", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_failure_that_is_not_a_missing_stack_is_a_failure()
    {
        var broken = new FakeScanner(Technology.Bluetooth, o => { o.OnError(new ShortRange.Errors.AdapterGoneException(Technology.Bluetooth, "hci0")); return null; });
        var r = await ToolRunner.RunAsync(["scan", "--tech", "bt"], FakeServices.Scanners(broken));
        Assert.Equal(ExitCodes.Failure, r.ExitCode);
        Assert.Contains("Bluetooth scan failed: Bluetooth adapter 'hci0' is gone", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_ends_the_scan_and_releases_the_radio()
    {
        var started = new TaskCompletionSource();
        var scanner = new FakeScanner(Technology.Bluetooth, o => { started.TrySetResult(); return null; });
        using var cts = new CancellationTokenSource();
        var run = ToolRunner.RunCancellableAsync(["scan", "--timeout", "0", "--json"], FakeServices.Scanners(scanner), cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(scanner.IsRunning);
        await cts.CancelAsync();
        var r = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.False(scanner.IsRunning);
        Assert.Equal(1, scanner.Starts);
    }

    [Fact]
    public async Task Adapter_that_is_neither_bluetooth_nor_wpan_is_a_usage_error()
    {
        var r = await ToolRunner.RunAsync(["scan", "--adapter", "eth0"], FakeServices.Scanners(Bluetooth()));
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.StartsWith("--adapter must name a Bluetooth controller", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adapter_option_reaches_the_module_options()
    {
        string? bluetooth = null;
        IList<string>? wpan = null;
        // With --tech bt too: the lab once saw "services are already built" when the Bluetooth path touched them first.
        var r = await ToolRunner.RunAsync(["scan", "--tech", "bt", "--adapter", "hci1", "--adapter", "wpan1", "--timeout", "0.2", "--json"], s =>
        {
            s.RemoveAll<IDeviceScanner>();
            s.AddSingleton<IDeviceScanner>(sp => new FakeScanner(Technology.Bluetooth, o =>
            {
                bluetooth = sp.GetRequiredService<IOptions<BluetoothOptions>>().Value.Adapter;
                wpan = sp.GetRequiredService<IOptions<LowPanOptions>>().Value.Interfaces;
                return null;
            }));
        });
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        Assert.Equal("hci1", bluetooth);
        Assert.Equal(["wpan1"], wpan!);
    }
}
