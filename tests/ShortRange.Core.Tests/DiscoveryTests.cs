using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.Adapters;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;

namespace ShortRange.Core.Tests;

/// <summary>A scanner whose radio is a subject; counts starts and stops.</summary>
internal sealed class FakeScanner(Technology technology) : IDeviceScanner
{
    /// <summary>Replaceable: a subject that has errored stays errored, so a restarted radio is a new subject.</summary>
    public Subject<DeviceSighting> Radio { get; set; } = new();
    public int Starts, Stops;
    public Technology Technology => technology;

    public IObservable<DeviceSighting> Scan() => Observable.Create<DeviceSighting>(o =>
    {
        Starts++;
        var sub = Radio.Subscribe(o);
        return () => { Stops++; sub.Dispose(); };
    });
}

public class DiscoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly HistoricalScheduler _clock = new(T0);
    private readonly DiscoveryOptions _options;

    public DiscoveryTests()
    {
        _options = new DiscoveryOptions { Scheduler = _clock, DisconnectDelay = TimeSpan.FromSeconds(1) };
        _options.LostAfter[Technology.Bluetooth] = TimeSpan.FromSeconds(30);
    }

    private static DeviceSighting Bt(ulong a, string? name = null, int? rssi = null) =>
        new(new BluetoothDeviceAddress(a, BluetoothAddressType.LePublic), "hci0", T0, name, rssi, SignalKind.Rssi);

    [Fact]
    public void Subscribe_starts_scan_and_dispose_stops_it_after_the_disconnect_delay()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var discovery = new TechnologyDiscovery(scanner, _options);
        Assert.Equal(0, scanner.Starts);
        var sub = discovery.Discover().Subscribe(_ => { });
        Assert.Equal(1, scanner.Starts);
        sub.Dispose();
        _clock.AdvanceBy(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, scanner.Stops);
        _clock.AdvanceBy(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, scanner.Stops);
        Assert.False(discovery.IsScanning);
    }

    [Fact]
    public void Subscribers_share_one_scan_and_resubscribe_within_the_delay_keeps_it()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var discovery = new TechnologyDiscovery(scanner, _options);
        var a = discovery.Discover().Subscribe(_ => { });
        var b = discovery.Discover().Subscribe(_ => { });
        Assert.Equal(1, scanner.Starts);
        a.Dispose();
        _clock.AdvanceBy(TimeSpan.FromSeconds(5));
        Assert.Equal(0, scanner.Stops);
        b.Dispose();
        _clock.AdvanceBy(TimeSpan.FromMilliseconds(500));
        var c = discovery.Discover().Subscribe(_ => { });
        _clock.AdvanceBy(TimeSpan.FromSeconds(5));
        Assert.Equal((1, 0), (scanner.Starts, scanner.Stops));
        c.Dispose();
        _clock.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal((1, 1), (scanner.Starts, scanner.Stops));
    }

    [Fact]
    public void Found_then_Updated_on_change_only_then_Lost_exactly_after_the_silence()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var events = new List<DiscoveryEvent>();
        using var _ = new TechnologyDiscovery(scanner, _options).Discover().Subscribe(events.Add);
        scanner.Radio.OnNext(Bt(1, rssi: -60));
        scanner.Radio.OnNext(Bt(1, rssi: -60));           // no change: refreshes Lost only
        _clock.AdvanceBy(TimeSpan.FromSeconds(20));
        scanner.Radio.OnNext(Bt(1, "Sensor", -50));       // name and signal changed
        _clock.AdvanceBy(TimeSpan.FromSeconds(29));
        Assert.Equal([DiscoveryEventKind.Found, DiscoveryEventKind.Updated], events.Select(e => e.Kind));
        Assert.Equal("Sensor", events[1].Device.Name);
        _clock.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal(DiscoveryEventKind.Lost, events[^1].Kind);
        Assert.Equal(3, events.Count);
    }

    [Fact]
    public void Late_subscriber_first_gets_known_devices_as_Found()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var discovery = new TechnologyDiscovery(scanner, _options);
        using var first = discovery.Discover().Subscribe(_ => { });
        scanner.Radio.OnNext(Bt(1, "A"));
        scanner.Radio.OnNext(Bt(2, "B"));
        var late = new List<DiscoveryEvent>();
        using var second = discovery.Discover().Subscribe(late.Add);
        Assert.Equal(2, late.Count);
        Assert.All(late, e => Assert.Equal(DiscoveryEventKind.Found, e.Kind));
        Assert.Equal(1, scanner.Starts);
    }

    [Fact]
    public void Scanner_error_reaches_every_subscriber_with_its_type_and_a_new_subscription_restarts()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var discovery = new TechnologyDiscovery(scanner, _options);
        Exception? e1 = null, e2 = null;
        discovery.Discover().Subscribe(_ => { }, ex => e1 = ex);
        discovery.Discover().Subscribe(_ => { }, ex => e2 = ex);
        scanner.Radio.OnError(new AdapterGoneException(Technology.Bluetooth, "hci0"));
        Assert.IsType<AdapterGoneException>(e1);
        Assert.Same(e1, e2);
        Assert.False(discovery.IsScanning);
        Assert.Equal(1, scanner.Starts);

        // The adapter is back: a new subscription starts a new scan and sees devices again.
        scanner.Radio = new Subject<DeviceSighting>();
        var events = new List<DiscoveryEvent>();
        Exception? e3 = null;
        using var again = discovery.Discover().Subscribe(events.Add, ex => e3 = ex);
        Assert.Equal(2, scanner.Starts);
        Assert.True(discovery.IsScanning);
        scanner.Radio.OnNext(Bt(7, "back"));
        Assert.Null(e3);
        var found = Assert.Single(events);
        Assert.Equal(DiscoveryEventKind.Found, found.Kind);
        Assert.Equal("back", found.Device.Name);
    }

    [Fact]
    public void Filter_predicate_is_applied_after_the_other_conditions_and_tracks_changes()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var events = new List<DiscoveryEvent>();
        var seen = new List<string?>();
        using var _ = new TechnologyDiscovery(scanner, _options)
            .Discover(new DiscoveryFilter
            {
                NameContains = "sens",
                Predicate = d => { seen.Add(d.Name); return d.Signal is > -50; },
            }).Subscribe(events.Add);
        scanner.Radio.OnNext(Bt(1, "Other", -40));            // fails NameContains: predicate not consulted
        scanner.Radio.OnNext(Bt(2, "Sensor", -60));           // predicate says no
        scanner.Radio.OnNext(Bt(2, "Sensor", -45));           // predicate says yes → Found
        scanner.Radio.OnNext(Bt(2, "Sensor", -70));           // predicate says no → Lost
        Assert.Equal([DiscoveryEventKind.Found, DiscoveryEventKind.Lost], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(new BluetoothDeviceAddress(2, BluetoothAddressType.LePublic), e.Device.Address));
        Assert.DoesNotContain("Other", seen);
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void Filter_reports_Found_when_a_device_starts_matching_and_Lost_when_it_stops()
    {
        var scanner = new FakeScanner(Technology.Bluetooth);
        var events = new List<DiscoveryEvent>();
        using var _ = new TechnologyDiscovery(scanner, _options)
            .Discover(new DiscoveryFilter { NameContains = "sens", MinimumSignal = -70 }).Subscribe(events.Add);
        scanner.Radio.OnNext(Bt(1, rssi: -40));               // no name yet
        scanner.Radio.OnNext(Bt(1, "Sensor", -40));           // now matches
        scanner.Radio.OnNext(Bt(1, "Sensor", -90));           // too weak
        scanner.Radio.OnNext(Bt(2, "Other", -40));            // never matches
        Assert.Equal([DiscoveryEventKind.Found, DiscoveryEventKind.Lost], events.Select(e => e.Kind));
    }

    [Fact]
    public void Gone_sighting_reports_Lost_at_once()
    {
        var scanner = new FakeScanner(Technology.Nfc);
        var events = new List<DiscoveryEvent>();
        using var _ = new TechnologyDiscovery(scanner, _options).Discover().Subscribe(events.Add);
        var addr = new NfcDeviceAddress(0, 1, [1, 2, 3, 4]);
        scanner.Radio.OnNext(new DeviceSighting(addr, "nfc0", T0));
        scanner.Radio.OnNext(new DeviceSighting(addr, "nfc0", T0, IsGone: true));
        Assert.Equal([DiscoveryEventKind.Found, DiscoveryEventKind.Lost], events.Select(e => e.Kind));
    }

    [Fact]
    public void Aggregate_merges_technologies_and_a_technology_filter_starts_only_that_scan()
    {
        var bt = new FakeScanner(Technology.Bluetooth);
        var nfc = new FakeScanner(Technology.Nfc);
        var all = new ShortRangeDiscovery([new TechnologyDiscovery(bt, _options), new TechnologyDiscovery(nfc, _options)], _options);
        var events = new List<DiscoveryEvent>();
        using (all.Discover(DiscoveryFilter.ForTechnologies(Technology.Nfc)).Subscribe(_ => { }))
            Assert.Equal((0, 1), (bt.Starts, nfc.Starts));
        using var sub = all.Discover().Subscribe(events.Add);
        bt.Radio.OnNext(Bt(7));
        nfc.Radio.OnNext(new DeviceSighting(new NfcDeviceAddress(0, 1, [9]), "nfc0", T0));
        Assert.Equal([Technology.Bluetooth, Technology.Nfc], events.Select(e => e.Device.Technology));
    }

    [Fact]
    public void Aggregate_can_continue_when_one_technology_fails_and_reports_the_failure()
    {
        _options.ContinueOnTechnologyError = true;
        var bt = new FakeScanner(Technology.Bluetooth);
        var nfc = new FakeScanner(Technology.Nfc);
        var all = new ShortRangeDiscovery([new TechnologyDiscovery(bt, _options), new TechnologyDiscovery(nfc, _options)], _options);
        var failures = new List<TechnologyFailure>();
        var events = new List<DiscoveryEvent>();
        Exception? error = null;
        using var f = all.Failures.Subscribe(failures.Add);
        using var sub = all.Discover().Subscribe(events.Add, ex => error = ex);
        nfc.Radio.OnError(new StackUnavailableException(Technology.Nfc, "no AF_NFC"));
        bt.Radio.OnNext(Bt(3));
        Assert.Null(error);
        Assert.Single(failures);
        Assert.Single(events);
    }

    [Fact]
    public async Task AddShortRange_resolves_one_aggregate_and_registered_technologies()
    {
        var services = new ServiceCollection();
        services.AddShortRange(b => b.AddTechnology<BtScanner, NullMonitor>());
        services.Configure<DiscoveryOptions>(o => o.DisconnectDelay = TimeSpan.FromSeconds(3));
        using var sp = services.BuildServiceProvider();
        var agg = sp.GetRequiredService<IShortRangeDiscovery>();
        Assert.Same(agg, sp.GetRequiredService<IDeviceDiscovery>());
        Assert.Same(agg, sp.GetRequiredService<ShortRangeDiscovery>());
        Assert.Equal([Technology.Bluetooth], agg.Technologies);
        Assert.Same(sp.GetRequiredService<BtScanner>(), sp.GetServices<IDeviceScanner>().Single());
        var adapters = await sp.GetRequiredService<IAdapterService>().GetAdaptersAsync(TestContext.Current.CancellationToken);
        Assert.Equal("hci9", Assert.Single(adapters).Name);
        Assert.Throws<InvalidOperationException>(() => agg.GetDiscovery(Technology.Nfc));
    }

    public sealed class BtScanner() : IDeviceScanner
    {
        public Technology Technology => Technology.Bluetooth;
        public IObservable<DeviceSighting> Scan() => Observable.Never<DeviceSighting>();
    }

    public sealed class NullMonitor : IAdapterMonitor
    {
        public Technology Technology => Technology.Bluetooth;
        public Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AdapterInfo>>([new AdapterInfo(Technology.Bluetooth, "hci9", true)]);
        public IObservable<AdapterEvent> Changes => Observable.Never<AdapterEvent>();
    }
}
