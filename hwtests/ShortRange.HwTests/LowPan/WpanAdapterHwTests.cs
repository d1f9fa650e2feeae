using ShortRange.HwTests.Infrastructure;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.LowPan;
using ShortRange.LowPan.Adapters;

namespace ShortRange.HwTests.LowPan;

public class WpanAdapterHwTests
{
    /// <summary>
    /// Adapter added, changed (up) and removed, reported from rtnetlink RTM_NEWLINK/RTM_DELLINK: the sysfs poll interval
    /// is an hour, so a fallback to polling could not deliver any of these events within the test's bounded waits.
    /// </summary>
    [Fact]
    public async Task Lists_hwsim_radios_and_reports_added_changed_and_removed_from_link_events()
    {
        WpanLab.RequireRadios();
        LabRequire.That(File.Exists("/usr/bin/wpan-hwsim") || File.Exists("/usr/sbin/wpan-hwsim"), "wpan-hwsim is not installed.");
        var monitor = new WpanAdapterMonitor(Options.Create(new LowPanOptions { UseLinkEvents = true, AdapterPollInterval = TimeSpan.FromHours(1) }));
        var adapters = await monitor.GetAdaptersAsync(TestContext.Current.CancellationToken);
        Assert.Contains(adapters, a => a.Name == "wpan0" && a.Technology == Technology.Ieee802154);
        Assert.Contains(adapters, a => a.Name == "wpan1");
        Assert.All(adapters, a => Assert.Matches("^([0-9a-f]{2}:){7}[0-9a-f]{2}$", a.Address!));

        var before = adapters.Select(a => a.Name).ToHashSet();
        var events = new List<AdapterEvent>();
        // No wait needed: subscribing opens the rtnetlink socket and joins RTNLGRP_LINK before it returns
        // (NetlinkSocket.Subscribe sets NETLINK_ADD_MEMBERSHIP synchronously), so the next link change is queued for us.
        using var sub = monitor.Changes.Subscribe(e => { lock (events) events.Add(e); });
        WpanLab.Run("wpan-hwsim add");
        var added = await WaitForEvent(events, e => e.Kind == AdapterEventKind.Added && !before.Contains(e.Adapter.Name));
        string name = added.Adapter.Name;
        Assert.StartsWith("wpan", name, StringComparison.Ordinal);
        Assert.False(added.Adapter.IsPowered);
        Assert.Matches("^([0-9a-f]{2}:){7}[0-9a-f]{2}$", added.Adapter.Address!);

        WpanLab.Run($"ip link set {name} up");
        var up = await WaitForEvent(events, e => e.Kind == AdapterEventKind.Changed && e.Adapter.Name == name && e.Adapter.IsPowered);
        Assert.Equal(added.Adapter.Address, up.Adapter.Address);

        // `iwpan dev` groups interfaces under "phy#N"; hwsim radio N backs wpan_phy N in a freshly booted lab.
        WpanLab.Run($"wpan-hwsim del {PhyIndexOf(name)}");
        await WaitForEvent(events, e => e.Kind == AdapterEventKind.Removed && e.Adapter.Name == name);
        var after = await monitor.GetAdaptersAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(after, a => a.Name == name);
        lock (events) Assert.DoesNotContain(events, e => before.Contains(e.Adapter.Name) && e.Kind != AdapterEventKind.Changed);
    }

    private static int PhyIndexOf(string ifname)
    {
        int phy = -1;
        foreach (var line in WpanLab.Run("iwpan dev").Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("phy#", StringComparison.Ordinal)) phy = int.Parse(t.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
            else if (t == $"Interface {ifname}") return phy;
        }
        throw new InvalidOperationException($"{ifname} not in `iwpan dev`.");
    }

    /// <summary>Waits up to 30 s (TCG lab) for a matching event.</summary>
    private static async Task<AdapterEvent> WaitForEvent(List<AdapterEvent> events, Func<AdapterEvent, bool> match)
    {
        for (int i = 0; i < 300; i++)
        {
            lock (events)
            {
                var e = events.FirstOrDefault(match);
                if (e is not null) return e;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        lock (events) Assert.Fail($"No matching adapter event; got: {string.Join(", ", events.Select(e => $"{e.Kind} {e.Adapter.Name}"))}");
        return null!;
    }
}
