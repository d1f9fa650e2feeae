using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Nfc.Neard.Bus;
using Tmds.DBus.Protocol;
using ShortRange.DependencyInjection;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.LowPan;
using ShortRange.LowPan.Adapters;
using ShortRange.LowPan.Discovery;

namespace ShortRange.Robustness.Tests.Resources;

/// <summary>
/// 1000 subscribe/dispose cycles of every observable the SDK exposes leave fds and memory flat: discovery (a real
/// AF_PACKET scan on lo through the DI aggregate), the failing Bluetooth scan of a kernel without AF_BLUETOOTH, adapter
/// monitors, and D-Bus connections and signal subscriptions against a private dbus-daemon.
/// </summary>
[Collection(nameof(ResourceCollection))]
public class SubscriptionCycleTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    [Fact]
    public Task Ieee802154_scanner_subscription_opens_and_closes_its_socket()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, SocketCycleTests.NeedsRoot);
        var scanner = new Ieee802154Scanner(Options.Create(Lo()));
        return ResourceProbe.AssertFlatAsync("802.15.4 Scan() on lo subscribe + dispose", _ =>
        {
            Exception? error = null;
            using (scanner.Scan().Subscribe(_ => { }, e => error = e)) { }
            Assert.Null(error);
            return Task.CompletedTask;
        }, settle: Settle, parallelism: 8);
    }

    private static LowPanOptions Lo()
    {
        var o = new LowPanOptions { AdapterPollInterval = TimeSpan.FromMilliseconds(50) };
        o.Interfaces.Add("lo");
        return o;
    }

    [Fact]
    public Task Aggregate_discovery_subscription_through_dependency_injection()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, SocketCycleTests.NeedsRoot);
        var services = new ServiceCollection();
        services.AddShortRange(b => b.AddLowPan(o => o.Interfaces.Add("lo")));
        services.Configure<DiscoveryOptions>(o => o.DisconnectDelay = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();
        var discovery = provider.GetRequiredService<IDeviceDiscovery>();
        return ResourceProbe.AssertFlatAsync("IDeviceDiscovery.Discover() subscribe + dispose (DisconnectDelay 0)", _ =>
        {
            Exception? error = null;
            using (discovery.Discover().Subscribe(_ => { }, e => error = e)) { }
            Assert.Null(error);
            return Task.CompletedTask;
        }, settle: Settle, parallelism: 8); // overlapping subscribers share one scan, as IDeviceDiscovery documents
    }

    [Fact]
    public Task Bluetooth_scan_failing_for_a_missing_stack_leaks_nothing()
    {
        Assert.SkipWhen(Directory.Exists("/sys/class/bluetooth"), "this kernel has Bluetooth: covered by hwtests/soak");
        var scanner = new BluetoothScanner(Options.Create(new BluetoothOptions()));
        return ResourceProbe.AssertFlatAsync("Bluetooth Scan() → OnError(StackUnavailable) + dispose", async _ =>
        {
            var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (scanner.Scan().Subscribe(_ => { }, e => failed.TrySetResult(e)))
                Assert.IsAssignableFrom<ShortRangeException>(await failed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }, settle: Settle);
    }

    [Fact]
    public Task Adapter_monitor_and_adapter_service_subscriptions()
    {
        var services = new ServiceCollection();
        services.AddShortRange(b => b.AddLowPan(o => o.AdapterPollInterval = TimeSpan.FromMilliseconds(20)));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<WpanAdapterMonitor>();
        var adapters = provider.GetRequiredService<IAdapterService>();
        return ResourceProbe.AssertFlatAsync("adapter monitor Changes + IAdapterService.Adapters subscribe + dispose", async _ =>
        {
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (monitor.Changes.Subscribe(_ => { }))
            using (adapters.Adapters.Subscribe(_ => first.TrySetResult()))
                await first.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the state stream replays its snapshot
        }, settle: Settle);
    }

    [Fact]
    public async Task DBus_connections_to_a_private_daemon()
    {
        Assert.SkipUnless(PrivateDBusDaemon.IsAvailable, "dbus-daemon is not installed (apt-get install dbus)");
        using var daemon = PrivateDBusDaemon.Start();
        await ResourceProbe.AssertFlatAsync("D-Bus connect (SASL + Hello) + dispose (neard's NeardBus on Tmds.DBus.Protocol)", async _ =>
        {
            using var c = await NeardBus.ConnectAsync(daemon.Address, NullLogger.Instance, TestContext.Current.CancellationToken);
            Assert.StartsWith(":", c.Connection.UniqueName, StringComparison.Ordinal);
        }, settle: Settle);
    }

    [Fact]
    public async Task DBus_signal_subscriptions_on_one_connection()
    {
        Assert.SkipUnless(PrivateDBusDaemon.IsAvailable, "dbus-daemon is not installed (apt-get install dbus)");
        using var daemon = PrivateDBusDaemon.Start();
        using var c = await NeardBus.ConnectAsync(daemon.Address, NullLogger.Instance, TestContext.Current.CancellationToken);
        var rule = new MatchRule { Type = MessageType.Signal, Interface = "org.neard.Adapter", Member = "PropertyChanged", Path = "/org/neard/nfc0" };
        var signals = c.Watch(rule, static (m, _) => m.Serial);
        await ResourceProbe.AssertFlatAsync("D-Bus AddMatch + RemoveMatch (a neard signal subscription)", async _ =>
        {
            using var sub = signals.Subscribe(_ => { });
            await Task.Yield();
        }, settle: Settle);
        // The connection is still healthy after 1000+ match rules came and went.
        Assert.Equal(c.Connection.UniqueName, await c.GetNameOwnerAsync(c.Connection.UniqueName!, TestContext.Current.CancellationToken));
    }
}
