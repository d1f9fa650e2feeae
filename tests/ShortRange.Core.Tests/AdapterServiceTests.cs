using System.Reactive.Linq;
using System.Reactive.Subjects;
using ShortRange.Adapters;
using ShortRange.Errors;

namespace ShortRange.Core.Tests;

/// <summary>An adapter monitor whose list and events the test controls.</summary>
internal sealed class FakeAdapterMonitor(Technology technology, params AdapterInfo[] initial) : IAdapterMonitor
{
    public readonly Subject<AdapterEvent> Events = new();
    public Exception? ListFailure;
    public Technology Technology => technology;
    public IObservable<AdapterEvent> Changes => Events;

    public Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default) =>
        ListFailure is null ? Task.FromResult<IReadOnlyList<AdapterInfo>>(initial) : Task.FromException<IReadOnlyList<AdapterInfo>>(ListFailure);
}

public class AdapterServiceTests
{
    private static readonly AdapterInfo Hci0 = new(Technology.Bluetooth, "hci0", IsPowered: false);
    private static readonly AdapterInfo Wpan0 = new(Technology.Ieee802154, "wpan0", IsPowered: true);

    private static async Task<IReadOnlyList<AdapterInfo>> Next(IObservable<IReadOnlyList<AdapterInfo>> lists, int skip = 0) =>
        await lists.Skip(skip).FirstAsync().Timeout(TimeSpan.FromSeconds(5));

    [Fact]
    public async Task Adapters_starts_with_the_snapshot_of_every_technology()
    {
        var service = new AdapterService([new FakeAdapterMonitor(Technology.Bluetooth, Hci0), new FakeAdapterMonitor(Technology.Ieee802154, Wpan0)]);
        var list = await Next(service.Adapters);
        Assert.Equal(["hci0", "wpan0"], list.Select(a => a.Name).Order());
    }

    [Fact]
    public async Task Adapters_applies_added_changed_and_removed_and_replays_the_latest_to_late_subscribers()
    {
        var bt = new FakeAdapterMonitor(Technology.Bluetooth, Hci0);
        var service = new AdapterService([bt]);
        var seen = new List<IReadOnlyList<AdapterInfo>>();
        using var sub = service.Adapters.Subscribe(seen.Add);
        await Next(service.Adapters);
        bt.Events.OnNext(new AdapterEvent(AdapterEventKind.Added, Hci0 with { Name = "hci1" }));
        bt.Events.OnNext(new AdapterEvent(AdapterEventKind.Changed, Hci0 with { IsPowered = true }));
        bt.Events.OnNext(new AdapterEvent(AdapterEventKind.Removed, Hci0 with { Name = "hci1" }));
        Assert.Equal(4, seen.Count);
        Assert.Equal(["hci0", "hci1"], seen[1].Select(a => a.Name).Order());
        var last = Assert.Single(seen[3]);
        Assert.True(last.IsPowered);
        // A late subscriber gets the latest list at once, not the history.
        var late = await Next(service.Adapters);
        Assert.True(Assert.Single(late).IsPowered);
    }

    [Fact]
    public async Task Adapters_never_errors_when_a_monitor_fails_and_a_missing_stack_contributes_nothing()
    {
        var bt = new FakeAdapterMonitor(Technology.Bluetooth, Hci0);
        var nfc = new FakeAdapterMonitor(Technology.Nfc) { ListFailure = new StackUnavailableException(Technology.Nfc, "no AF_NFC") };
        var wpan = new FakeAdapterMonitor(Technology.Ieee802154) { ListFailure = new InvalidOperationException("netlink dump failed") };
        var service = new AdapterService([bt, nfc, wpan]);
        Exception? error = null;
        var seen = new List<IReadOnlyList<AdapterInfo>>();
        using var sub = service.Adapters.Subscribe(seen.Add, e => error = e);
        await Next(service.Adapters);
        bt.Events.OnError(new AdapterGoneException(Technology.Bluetooth, "hci0"));
        Assert.Null(error);
        Assert.Equal("hci0", Assert.Single(seen[^1]).Name);
    }
}
