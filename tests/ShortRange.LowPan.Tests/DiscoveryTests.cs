using System.Reactive.Linq;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.DependencyInjection;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.LowPan.Adapters;
using ShortRange.LowPan.Discovery;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.Transport;

namespace ShortRange.LowPan.Tests;

public sealed class DiscoveryTests : IDisposable
{
    private readonly string _sys = Path.Combine(Path.GetTempPath(), $"srnet-{Guid.NewGuid():N}");

    // A fake /sys/class/net that changes atomically as sysfs does: an interface appears whole (built aside, then renamed
    // in) and an attribute is replaced, never seen half-written. A poller that read a truncated "flags" file would report
    // the interface removed and added again (seen once under load), which no kernel does.
    private void AddInterface(string name, int type, int index, int flags, string address)
    {
        var d = Directory.CreateDirectory(Path.Combine(_sys + ".staging", name)).FullName; // beside the fake /sys, same file system
        File.WriteAllText(Path.Combine(d, "type"), $"{type}\n");
        File.WriteAllText(Path.Combine(d, "ifindex"), $"{index}\n");
        File.WriteAllText(Path.Combine(d, "flags"), $"0x{flags:x}\n");
        File.WriteAllText(Path.Combine(d, "address"), address + "\n");
        Directory.Move(d, Path.Combine(Directory.CreateDirectory(_sys).FullName, name));
    }

    private void SetFlags(string name, int flags)
    {
        string tmp = Path.Combine(_sys, $".{name}.flags");
        File.WriteAllText(tmp, $"0x{flags:x}\n");
        File.Move(tmp, Path.Combine(_sys, name, "flags"), overwrite: true);
    }

    [Fact]
    public async Task Adapter_monitor_lists_wpan_interfaces_and_reports_added_changed_removed()
    {
        AddInterface("eth0", 1, 2, 0x1003, "02:00:00:00:00:01");
        AddInterface("wpan0", 804, 5, 0x1003, "00:11:22:33:44:55:66:77");
        var monitor = new WpanAdapterMonitor(Options.Create(new LowPanOptions { SysClassNet = _sys, UseLinkEvents = false, AdapterPollInterval = TimeSpan.FromMilliseconds(50) }));
        var list = await monitor.GetAdaptersAsync(TestContext.Current.CancellationToken);
        var a = Assert.Single(list);
        Assert.Equal(("wpan0", true, "00:11:22:33:44:55:66:77"), (a.Name, a.IsPowered, a.Address));
        Assert.Equal(Technology.Ieee802154, a.Technology);
        Assert.Equal(5, Assert.IsType<WpanInterface>(a.Details).InterfaceIndex);

        var events = new List<AdapterEvent>();
        // No wait: Subscribe takes the sysfs snapshot before it returns, so wpan1 below is new to the poller.
        using var sub = monitor.Changes.Subscribe(e => { lock (events) events.Add(e); });
        AddInterface("wpan1", 804, 6, 0x1002, "00:00:00:00:00:00:00:02");
        await WaitFor(() => events.Any(e => e.Kind == AdapterEventKind.Added && e.Adapter.Name == "wpan1"));
        SetFlags("wpan1", 0x1003);
        await WaitFor(() => events.Any(e => e.Kind == AdapterEventKind.Changed && e.Adapter is { Name: "wpan1", IsPowered: true }));
        Directory.Delete(Path.Combine(_sys, "wpan1"), true);
        await WaitFor(() => events.Any(e => e.Kind == AdapterEventKind.Removed && e.Adapter.Name == "wpan1"));
        lock (events) Assert.DoesNotContain(events, e => e.Adapter.Name is "wpan0" or "eth0");
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++) await Task.Delay(25, TestContext.Current.CancellationToken);
        Assert.True(condition());
    }

    [Fact]
    public async Task Scanner_reports_frame_sources_and_fails_without_interfaces()
    {
        var medium = new InMemoryMedium();
        var remote = medium.Attach();
        var options = new LowPanOptions { SysClassNet = _sys };
        options.Interfaces.Add("wpan0");
        var scanner = new Ieee802154Scanner(options, _ => medium.Attach());
        var sightings = new List<DeviceSighting>();
        using (scanner.Scan().Subscribe(s => { lock (sightings) sightings.Add(s); }))
        {
            var link = new LowPanLink(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = 0x0011223344556677 });
            var frames = new List<byte[]>();
            link.Send(Packets.Udp("fe80::211:2233:4455:6677", "ff02::1", 1, 2, "x"u8), f => frames.Add(f.ToArray()));
            var beacon = new byte[32];
            int n = MacFrame.Write(new MacHeader { FrameType = MacFrameType.Beacon, SourcePanId = 0x1234, Source = MacAddress.FromShort(0x0001) }, new byte[4], beacon);
            frames.Add(beacon[..n]);
            frames.Add([0xFF, 0xFF]); // garbage: counted, not reported
            foreach (var f in frames) await remote.SendAsync(f, TestContext.Current.CancellationToken);
            await WaitFor(() => { lock (sightings) return sightings.Count == 2; });
        }
        Assert.Contains(sightings, s => s.Address == new Ieee802154DeviceAddress(0xBEEF, null, 0x0011223344556677) && s.Adapter == "wpan0");
        Assert.Contains(sightings, s => s.Address == new Ieee802154DeviceAddress(0x1234, 0x0001, null) && (MacFrameType)s.Details! == MacFrameType.Beacon);
        Assert.Equal(1, scanner.Drops.Total);

        var empty = new Ieee802154Scanner(new LowPanOptions { SysClassNet = _sys }, _ => throw new InvalidOperationException());
        await Assert.ThrowsAsync<StackUnavailableException>(async () => await empty.Scan().FirstAsync());
    }

    [Fact]
    public void AddLowPan_registers_one_scanner_and_one_monitor_instance()
    {
        var services = new ServiceCollection();
        services.AddShortRange(b => b.AddLowPan(o => o.AdapterPollInterval = TimeSpan.FromSeconds(3)).AddLowPan());
        using var sp = services.BuildServiceProvider();
        var scanner = Assert.Single(sp.GetServices<IDeviceScanner>());
        Assert.Same(sp.GetRequiredService<Ieee802154Scanner>(), scanner);
        Assert.Equal(Technology.Ieee802154, scanner.Technology);
        var monitor = Assert.Single(sp.GetServices<IAdapterMonitor>());
        Assert.Same(sp.GetRequiredService<WpanAdapterMonitor>(), monitor);
        Assert.Equal(TimeSpan.FromSeconds(3), sp.GetRequiredService<IOptions<LowPanOptions>>().Value.AdapterPollInterval);
        Assert.Equal([Technology.Ieee802154], sp.GetRequiredService<IShortRangeDiscovery>().Technologies);
    }

    public void Dispose()
    {
        if (Directory.Exists(_sys)) Directory.Delete(_sys, true);
        if (Directory.Exists(_sys + ".staging")) Directory.Delete(_sys + ".staging", true);
    }
}
