using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.Adapters;
using ShortRange.DependencyInjection;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Neard;

namespace ShortRange.Nfc.Tests.Neard;

/// <summary>NeardScanner / NeardAdapterMonitor registered by AddNeard, against the neard-shaped python service.</summary>
[Collection(NeardTestBusCollection.Name)]
public sealed class NeardDiscoveryTests(NeardTestBus bus)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServiceProvider Provider(string? adapter = null) =>
        new ServiceCollection().AddShortRange(b => b.AddNeard(o => { o.BusAddress = bus.Address; o.Adapter = adapter; })).BuildServiceProvider();

    [Fact]
    public async Task AddNeard_registers_one_scanner_and_monitor_instance()
    {
        await using var sp = Provider();
        var scanner = Assert.Single(sp.GetServices<IDeviceScanner>());
        Assert.IsType<NeardScanner>(scanner);
        Assert.Same(scanner, sp.GetRequiredService<NeardScanner>());
        Assert.Same(Assert.Single(sp.GetServices<IAdapterMonitor>()), sp.GetRequiredService<NeardAdapterMonitor>());
        Assert.Equal(Technology.Nfc, scanner.Technology);
    }

    [Fact]
    public async Task Scan_powers_polls_reports_tags_restarts_after_loss_and_stops_on_dispose()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await neard.CallAsync("SetAutoTag", "Type 2", Array.Empty<byte>(), Array.Empty<IReadOnlyList<KeyValuePair<string, object>>>());
        await using var sp = Provider();
        var scanner = sp.GetRequiredService<IDeviceScanner>();
        var sightings = scanner.Scan().Replay();
        using (sightings.Connect())
        {
            var found = await sightings.FirstAsync().Timeout(TimeSpan.FromSeconds(30));
            Assert.Equal(new NfcDeviceAddress(0, 0, []), found.Address);
            Assert.Equal("nfc0", found.Adapter);
            Assert.False(found.IsGone);
            var details = Assert.IsType<NeardTargetDetails>(found.Details);
            Assert.Equal(("/org/neard/nfc0/tag0", NeardObjectKind.Tag, "Type 2", "MIFARE"), (details.Path, details.Kind, details.Type, details.Protocol));
            var state = await neard.StateAsync();
            Assert.Equal(1, state["StartCount"].GetInt32());
            Assert.Equal("Initiator", state["LastMode"].GetString());

            await neard.CallAsync("RemoveTarget", new ObjPath("/org/neard/nfc0/tag0"));
            var lost = await sightings.Where(s => s.IsGone).FirstAsync().Timeout(TimeSpan.FromSeconds(30));
            Assert.Equal(found.Address, lost.Address);
            // neard ended the loop when it found the tag; the scanner starts it again, and the next tag is found.
            var next = await sightings.Where(s => !s.IsGone && s.Address != found.Address).FirstAsync().Timeout(TimeSpan.FromSeconds(30));
            Assert.Equal(new NfcDeviceAddress(0, 1, []), next.Address);
            Assert.Equal(2, (await neard.StateAsync())["StartCount"].GetInt32());
            await neard.CallAsync("SetAutoTag", "", Array.Empty<byte>(), Array.Empty<IReadOnlyList<KeyValuePair<string, object>>>());
            await neard.CallAsync("RemoveTarget", new ObjPath("/org/neard/nfc0/tag1"));
            await neard.WaitForStateAsync(s => s["StartCount"].GetInt32() == 3, "the third StartPollLoop");
        }
        // Disposal stops the running loop.
        await neard.WaitForStateAsync(s => s["StopCount"].GetInt32() == 1, "StopPollLoop after dispose");
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        Assert.True((await client.GetAdapter("nfc0").GetPropertiesAsync(Ct)).Powered); // the scan powered it
    }

    [Fact]
    public async Task Scan_reports_targets_already_present_and_peer_devices()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await neard.SpawnAsync("device", []);
        await using var sp = Provider();
        var s = await sp.GetRequiredService<IDeviceScanner>().Scan().FirstAsync().Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal(NeardObjectKind.Device, Assert.IsType<NeardTargetDetails>(s.Details).Kind);
        Assert.Equal("NFC peer device", s.Name);
    }

    [Fact]
    public async Task Scan_skips_and_counts_a_tag_with_wrongly_typed_properties_and_reports_the_next()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await neard.SpawnAsync("malformed", []);
        await neard.SpawnAsync("device", []);
        await using var sp = Provider();
        var scanner = Assert.IsType<NeardScanner>(sp.GetRequiredService<IDeviceScanner>());
        var seen = new List<DeviceSighting>();
        using (scanner.Scan().Subscribe(x => { lock (seen) seen.Add(x); }))
        {
            // GetManagedObjects has no order: wait until both objects were looked at.
            for (int i = 0; i < 300 && (scanner.MalformedObjects == 0 || seen.Count == 0); i++) await Task.Delay(100, Ct);
        }
        lock (seen) Assert.Equal(NeardObjectKind.Device, Assert.IsType<NeardTargetDetails>(Assert.Single(seen).Details).Kind);
        Assert.Equal(1, scanner.MalformedObjects);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        var e = await Assert.ThrowsAsync<NeardFormatException>(() => client.GetAdapter("nfc0").GetTagsAsync(Ct));
        Assert.Contains("ReadOnly", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_errors_are_typed_neard_absent_adapter_missing_neard_leaving()
    {
        Assert.SkipWhen(bus.SkipReason is not null, bus.SkipReason ?? "");
        await using (var sp0 = Provider())
            await Assert.ThrowsAsync<NeardNotRunningException>(() => sp0.GetRequiredService<IDeviceScanner>().Scan().FirstAsync().Timeout(TimeSpan.FromSeconds(30)).ToTask(Ct));

        await using var neard = await FakeNeard.StartAsync(bus);
        await using (var sp1 = Provider("nfc9"))
        {
            var e = await Assert.ThrowsAsync<AdapterGoneException>(() => sp1.GetRequiredService<IDeviceScanner>().Scan().FirstAsync().Timeout(TimeSpan.FromSeconds(30)).ToTask(Ct));
            Assert.Equal("nfc9", e.Adapter);
        }
        await using var sp = Provider();
        var errored = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = sp.GetRequiredService<IDeviceScanner>().Scan().Subscribe(_ => { }, ex => errored.TrySetResult(ex));
        await neard.WaitForStateAsync(s => s["StartCount"].GetInt32() == 1, "StartPollLoop");
        await neard.StopAsync();
        Assert.IsType<NeardNotRunningException>(await errored.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Adapter_monitor_lists_and_reports_added_changed_removed()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var sp = Provider();
        var monitor = sp.GetRequiredService<NeardAdapterMonitor>();
        var info = Assert.Single(await monitor.GetAdaptersAsync(Ct));
        Assert.Equal((Technology.Nfc, "nfc0", false), (info.Technology, info.Name, info.IsPowered));

        string[] rules = ["member='InterfacesAdded'", "member='InterfacesRemoved'", "member='PropertiesChanged'"];
        var before = new int[rules.Length];
        for (int i = 0; i < rules.Length; i++) before[i] = await neard.MatchRulesContainingAsync(rules[i]);
        var events = monitor.Changes.Replay();
        using var connect = events.Connect();
        // Ready = the bus lists the monitor's match rules (it connects on its own connection, out of our reach).
        var listening = Stopwatch.StartNew();
        for (int i = 0; i < rules.Length; i++)
            while (await neard.MatchRulesContainingAsync(rules[i]) <= before[i])
            {
                Assert.True(listening.Elapsed < TimeSpan.FromSeconds(30), $"the monitor added no {rules[i]} rule within 30 s");
                await Task.Delay(20, Ct);
            }
        await neard.CallAsync("AddAdapter", "nfc1");
        var added = await events.FirstAsync(e => e.Kind == AdapterEventKind.Added).Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal("nfc1", added.Adapter.Name);
        await using (var client = await NeardClient.ConnectAsync(bus.Address, null, Ct))
            await client.GetAdapter("nfc1").SetPoweredAsync(true, Ct);
        var changed = await events.FirstAsync(e => e.Kind == AdapterEventKind.Changed && e.Adapter.IsPowered).Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal("nfc1", changed.Adapter.Name);
        await neard.CallAsync("RemoveAdapter", "nfc1");
        var removed = await events.FirstAsync(e => e.Kind == AdapterEventKind.Removed).Timeout(TimeSpan.FromSeconds(30));
        Assert.Equal("nfc1", removed.Adapter.Name);

        // neard leaving: the state stream completes instead of failing.
        await neard.StopAsync();
        await events.LastOrDefaultAsync().Timeout(TimeSpan.FromSeconds(30));
        var absent = await Assert.ThrowsAsync<StackUnavailableException>(() => monitor.GetAdaptersAsync(Ct));
        Assert.IsType<NeardNotRunningException>(absent.InnerException);
    }
}
