using ShortRange.Adapters;
using ShortRange.Linux.Netlink;
using ShortRange.LowPan.Adapters;

namespace ShortRange.LowPan.Tests;

/// <summary>How <see cref="WpanAdapterMonitor"/> turns rtnetlink RTM_NEWLINK/RTM_DELLINK events into adapter events.</summary>
public class AdapterLinkEventTests
{
    private sealed class Recorder : IObserver<AdapterEvent>
    {
        public List<AdapterEvent> Events { get; } = [];
        public void OnNext(AdapterEvent value) => Events.Add(value);
        public void OnError(Exception error) => throw error;
        public void OnCompleted() { }
    }

    private static LinkEvent Link(bool removed, int index, string name, uint flags, ushort type = 804) =>
        new(removed, new LinkInfo(index, name, flags, type, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, (byte)index], null, null));

    [Fact]
    public void Link_events_become_added_changed_removed_for_wpan_links_only()
    {
        var known = new Dictionary<string, AdapterInfo>();
        var r = new Recorder();
        WpanAdapterMonitor.Apply(known, r, Link(false, 7, "eth9", 0x1003, type: 1));
        WpanAdapterMonitor.Apply(known, r, Link(false, 5, "wpan2", 0x1002));
        WpanAdapterMonitor.Apply(known, r, Link(false, 5, "wpan2", 0x1002)); // the kernel repeats NEWLINK for unrelated changes
        WpanAdapterMonitor.Apply(known, r, Link(false, 5, "wpan2", 0x1043));
        WpanAdapterMonitor.Apply(known, r, Link(false, 5, "wpan3", 0x1043)); // renamed
        WpanAdapterMonitor.Apply(known, r, Link(true, 5, "wpan3", 0x1043));
        WpanAdapterMonitor.Apply(known, r, Link(true, 5, "wpan3", 0x1043));
        Assert.Equal(
            [(AdapterEventKind.Added, "wpan2", false), (AdapterEventKind.Changed, "wpan2", true), (AdapterEventKind.Removed, "wpan2", true),
             (AdapterEventKind.Added, "wpan3", true), (AdapterEventKind.Removed, "wpan3", true)],
            r.Events.Select(e => (e.Kind, e.Adapter.Name, e.Adapter.IsPowered)));
        Assert.Equal("00:11:22:33:44:55:66:05", r.Events[0].Adapter.Address);
        Assert.Equal(new WpanInterface("wpan2", 5, 804, false, "00:11:22:33:44:55:66:05"), r.Events[0].Adapter.Details);
        Assert.Empty(known);
    }

    [Fact]
    public async Task Monitor_subscribes_to_rtnetlink_and_unsubscribes_cleanly()
    {
        // This machine has no wpan links: the subscription must open, stay silent and close without error.
        var monitor = new WpanAdapterMonitor(Microsoft.Extensions.Options.Options.Create(new LowPanOptions()));
        Exception? error = null;
        var events = new List<AdapterEvent>();
        using (monitor.Changes.Subscribe(events.Add, e => error = e))
            await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Null(error);
        Assert.All(events, e => Assert.StartsWith("wpan", e.Adapter.Name, StringComparison.Ordinal));
    }
}
