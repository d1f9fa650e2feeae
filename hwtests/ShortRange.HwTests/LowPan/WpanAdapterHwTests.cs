using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.LowPan;
using ShortRange.LowPan.Adapters;

namespace ShortRange.HwTests.LowPan;

public class WpanAdapterHwTests
{
    [Fact]
    public async Task Lists_hwsim_radios_and_reports_added_and_removed()
    {
        WpanLab.SkipUnlessRadios();
        Assert.SkipUnless(File.Exists("/usr/bin/wpan-hwsim") || File.Exists("/usr/sbin/wpan-hwsim"), "wpan-hwsim is not installed.");
        var monitor = new WpanAdapterMonitor(Options.Create(new LowPanOptions { AdapterPollInterval = TimeSpan.FromMilliseconds(200) }));
        var adapters = await monitor.GetAdaptersAsync(TestContext.Current.CancellationToken);
        Assert.Contains(adapters, a => a.Name == "wpan0" && a.Technology == Technology.Ieee802154);
        Assert.Contains(adapters, a => a.Name == "wpan1");
        Assert.All(adapters, a => Assert.Matches("^([0-9a-f]{2}:){7}[0-9a-f]{2}$", a.Address!));

        var before = adapters.Select(a => a.Name).ToHashSet();
        var events = new List<AdapterEvent>();
        using var sub = monitor.Changes.Subscribe(e => { lock (events) events.Add(e); });
        await Task.Delay(500, TestContext.Current.CancellationToken);
        WpanLab.Run("wpan-hwsim add");
        string added = await WaitForEvent(events, AdapterEventKind.Added, before);
        Assert.StartsWith("wpan", added, StringComparison.Ordinal);
        // `iwpan dev` groups interfaces under "phy#N"; hwsim radio N backs wpan_phy N in a freshly booted lab.
        WpanLab.Run($"wpan-hwsim del {PhyIndexOf(added)}");
        Assert.Equal(added, await WaitForEvent(events, AdapterEventKind.Removed, []));
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

    private static async Task<string> WaitForEvent(List<AdapterEvent> events, AdapterEventKind kind, HashSet<string> exclude)
    {
        for (int i = 0; i < 100; i++)
        {
            lock (events)
            {
                var e = events.FirstOrDefault(x => x.Kind == kind && !exclude.Contains(x.Adapter.Name));
                if (e is not null) return e.Adapter.Name;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"No {kind} event.");
        return "";
    }
}
