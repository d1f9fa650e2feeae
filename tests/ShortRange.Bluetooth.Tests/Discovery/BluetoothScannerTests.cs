using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Tests.Mgmt;
using ShortRange.Devices;
using ShortRange.Errors;

namespace ShortRange.Bluetooth.Tests.Discovery;

[CollectionDefinition(nameof(BluetoothScannerTests), DisableParallelization = true)]
public sealed class ScannerCollection;

[Collection(nameof(BluetoothScannerTests))]
public class BluetoothScannerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A kernel with hci0 powered: answers index list, info and discovery commands.</summary>
    private static FakeMgmtTransport Kernel() => new()
    {
        Responder = p => p.Code switch
        {
            MgmtOpcode.MGMT_OP_READ_INDEX_LIST => [FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 1, 0, 0, 0)],
            MgmtOpcode.MGMT_OP_READ_INFO => [FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success,
                MgmtCodecTests.ControllerInfoBytes(0x00AA01000000, "lab", MgmtSettings.Powered | MgmtSettings.BrEdr))],
            _ => [FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, p.Parameters.ToArray())],
        },
    };

    private static byte[] DeviceFound(ulong addr, sbyte rssi, byte[] eir)
    {
        var p = new byte[14 + eir.Length];
        new BluetoothDeviceAddress(addr, BluetoothAddressType.BrEdr).WriteLittleEndian(p);
        p[7] = (byte)rssi;
        p[12] = (byte)eir.Length;
        eir.CopyTo(p, 14);
        return new MgmtPacket(MgmtEventCode.MGMT_EV_DEVICE_FOUND, 0, p).ToArray();
    }

    private static BluetoothScanner Scanner(FakeMgmtTransport k, Action<BluetoothOptions>? configure = null)
    {
        var o = new BluetoothOptions { TransportFactory = () => k };
        configure?.Invoke(o);
        return new BluetoothScanner(Options.Create(o));
    }

    [Fact]
    public async Task Scan_starts_discovery_reports_sightings_and_stops_on_dispose()
    {
        var k = Kernel();
        var scanner = Scanner(k, o => o.NameContains = "pho");
        var seen = new List<DeviceSighting>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sub = scanner.Scan().Subscribe(s => { lock (seen) seen.Add(s); first.TrySetResult(); });
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
        k.Inject(DeviceFound(0x112233445566, -70, [0x03, 0x09, (byte)'x', (byte)'y'])); // filtered by name
        k.Inject(DeviceFound(0x112233445566, -40, [0x05, 0x09, .. "zzz"u8, 0x00])); // filtered too (name "zzz")
        k.Inject(DeviceFound(0x0A0B0C0D0E0F, -50, [0x06, 0x09, .. "Phone"u8]));
        await first.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        sub.Dispose();
        MgmtPacket stop;
        while ((stop = await k.Sent.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Code != MgmtOpcode.MGMT_OP_STOP_DISCOVERY) { }
        Assert.Equal(new byte[] { 1 }, stop.Parameters.ToArray()); // BR/EDR only: the controller has LE disabled
        var s = Assert.Single(seen);
        Assert.Equal("Phone", s.Name);
        Assert.Equal(-50, s.Signal);
        Assert.Equal("hci0", s.Adapter);
        Assert.Equal("0A:0B:0C:0D:0E:0F", s.Address.ToString());
        Assert.IsType<BluetoothDeviceDetails>(s.Details);
        for (int i = 0; i < 50 && !k.Disposed; i++) await Task.Delay(20, Ct);
        Assert.True(k.Disposed);
    }

    [Fact]
    public async Task Stop_waits_for_a_restart_in_flight_and_WhenStopped_waits_for_the_stop()
    {
        // The kernel holds the answers to the restart and to Stop Discovery until the test releases them.
        int starts = 0;
        var k = Kernel();
        var answer = k.Responder!;
        k.Responder = p => p.Code switch
        {
            MgmtOpcode.MGMT_OP_START_DISCOVERY when Interlocked.Increment(ref starts) > 1 => [],
            MgmtOpcode.MGMT_OP_STOP_DISCOVERY => [],
            _ => answer(p),
        };
        var scanner = Scanner(k);
        var sub = scanner.Scan().Subscribe(_ => { });
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
        k.Inject(MgmtEventCode.MGMT_EV_DISCOVERING, 0, 1, 0); // the round ends: the scanner restarts it
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }

        sub.Dispose();
        var stopped = scanner.WhenStoppedAsync(Ct);
        await Task.Delay(200, Ct);
        // A Stop sent now would overtake the pending start: the kernel rejects it and the new round runs unstopped.
        Assert.False(k.Sent.Reader.TryRead(out var early), $"sent {early.Code:X4} before the restart was answered");
        k.Inject(FakeMgmtTransport.Complete(MgmtOpcode.MGMT_OP_START_DISCOVERY, 0, MgmtStatus.Success, 1));
        var stop = await k.Sent.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(MgmtOpcode.MGMT_OP_STOP_DISCOVERY, stop.Code);
        await Task.Delay(100, Ct);
        Assert.False(stopped.IsCompleted); // the radio has not confirmed the stop yet
        k.Inject(FakeMgmtTransport.Complete(MgmtOpcode.MGMT_OP_STOP_DISCOVERY, 0, MgmtStatus.Success, 1));
        await stopped.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.True(k.Disposed); // the run (and its channel) ended before WhenStopped completed
    }

    [Fact]
    public async Task Malformed_advertising_data_is_counted_and_still_reported()
    {
        var k = Kernel();
        var scanner = Scanner(k);
        var got = new TaskCompletionSource<DeviceSighting>();
        using var sub = scanner.Scan().Subscribe(s => got.TrySetResult(s));
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
        k.Inject(new MgmtPacket(MgmtEventCode.MGMT_EV_DEVICE_FOUND, 0, new byte[5]).ToArray()); // truncated event
        k.Inject(DeviceFound(1, -30, [0x09, 0x09, 0x41]));                                        // truncated AD
        var s = await got.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Null(s.Details);
        Assert.Equal(2, scanner.MalformedAdvertisements);
    }

    [Fact]
    public async Task Controller_removed_during_scan_errors_with_adapter_gone()
    {
        var k = Kernel();
        var err = new TaskCompletionSource<Exception>();
        using var sub = Scanner(k).Scan().Subscribe(_ => { }, ex => err.TrySetResult(ex));
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
        k.Inject(MgmtEventCode.MGMT_EV_INDEX_REMOVED, 0);
        Assert.IsType<AdapterGoneException>(await err.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Theory]
    [InlineData(MgmtSettings.BrEdr, DiscoveryAddressTypes.All, DiscoveryAddressTypes.BrEdr)]
    [InlineData(MgmtSettings.LowEnergy, DiscoveryAddressTypes.All, DiscoveryAddressTypes.Le)]
    [InlineData(MgmtSettings.BrEdr | MgmtSettings.LowEnergy, DiscoveryAddressTypes.All, DiscoveryAddressTypes.All)]
    [InlineData(MgmtSettings.LowEnergy, DiscoveryAddressTypes.LePublic, DiscoveryAddressTypes.LePublic)]
    [InlineData(MgmtSettings.LowEnergy, DiscoveryAddressTypes.BrEdr, DiscoveryAddressTypes.BrEdr)] // nothing enabled: the kernel says why
    public void Discovery_covers_only_the_transports_the_controller_has_enabled(MgmtSettings current, DiscoveryAddressTypes asked, DiscoveryAddressTypes sent) =>
        Assert.Equal(sent, BluetoothScanner.Narrow(asked, current | MgmtSettings.Powered));

    [Theory]
    [InlineData(MgmtStatus.InvalidIndex)]
    [InlineData(MgmtStatus.NotPowered)]
    public async Task Restart_after_the_controller_vanished_ends_as_adapter_gone(MgmtStatus restartStatus)
    {
        int starts = 0;
        var k = Kernel();
        var answer = k.Responder!;
        k.Responder = p => p.Code == MgmtOpcode.MGMT_OP_START_DISCOVERY && Interlocked.Increment(ref starts) > 1
            ? [FakeMgmtTransport.Status(p.Code, p.Index, restartStatus)]
            : answer(p);
        var err = new TaskCompletionSource<Exception>();
        using var sub = Scanner(k).Scan().Subscribe(_ => { }, ex => err.TrySetResult(ex));
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
        k.Inject(MgmtEventCode.MGMT_EV_DISCOVERING, 0, 1, 0); // the round ends: the scanner restarts it
        if (restartStatus == MgmtStatus.NotPowered)
        {
            // Power-down comes first when a controller is removed: the restart is retried; Index Removed follows meanwhile.
            while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
            k.Inject(MgmtEventCode.MGMT_EV_INDEX_REMOVED, 0);
        }
        var e = Assert.IsType<AdapterGoneException>(await err.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal("hci0", e.Adapter);
    }

    [Fact]
    public async Task Restart_is_retried_after_a_transient_failure_and_fails_typed_when_it_persists()
    {
        int starts = 0;
        var k = Kernel();
        var answer = k.Responder!;
        // Start 2 (the first restart) fails, start 3 succeeds; then starts 4–7 (every try of the next restart) fail.
        k.Responder = p => p.Code == MgmtOpcode.MGMT_OP_START_DISCOVERY && Interlocked.Increment(ref starts) is 2 or >= 4
            ? [FakeMgmtTransport.Status(p.Code, p.Index, MgmtStatus.Failed)]
            : answer(p);
        var err = new TaskCompletionSource<Exception>();
        using var sub = Scanner(k).Scan().Subscribe(_ => { }, ex => err.TrySetResult(ex));
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_START_DISCOVERY) { }
        k.Inject(MgmtEventCode.MGMT_EV_DISCOVERING, 0, 1, 0);
        while (Volatile.Read(ref starts) < 3) await Task.Delay(20, Ct);
        Assert.False(err.Task.IsCompleted, "one failed restart must not end the scan");
        k.Inject(MgmtEventCode.MGMT_EV_DISCOVERING, 0, 1, 0);
        var e = Assert.IsType<MgmtException>(await err.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(MgmtStatus.Failed, e.Status);
        Assert.Equal(7, Volatile.Read(ref starts));
    }

    [Fact]
    public async Task Missing_adapter_fails_through_on_error()
    {
        var err = await Assert.ThrowsAsync<AdapterGoneException>(() => Scanner(Kernel(), o => o.Adapter = "hci5").Scan().FirstAsync().ToTask(Ct));
        Assert.Contains("hci5", err.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adapter_monitor_lists_and_reports_added_removed_changed()
    {
        var k = Kernel();
        var monitor = new BluetoothAdapterMonitor(Options.Create(new BluetoothOptions { TransportFactory = () => k }));
        var events = new List<AdapterEvent>();
        var three = new TaskCompletionSource();
        using var sub = monitor.Changes.Subscribe(e => { lock (events) { events.Add(e); if (events.Count == 3) three.TrySetResult(); } });
        // The monitor subscribes to events before Read Index List, and the fake queues events behind the answers it
        // already gave, so events injected now are seen in order (no pause needed).
        while ((await k.Sent.Reader.ReadAsync(Ct)).Code != MgmtOpcode.MGMT_OP_READ_INFO) { }
        k.Inject(MgmtEventCode.MGMT_EV_INDEX_ADDED, 1);
        k.Inject(MgmtEventCode.MGMT_EV_NEW_SETTINGS, 1, 0, 0, 0, 0);
        k.Inject(MgmtEventCode.MGMT_EV_INDEX_REMOVED, 1);
        await three.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal([AdapterEventKind.Added, AdapterEventKind.Changed, AdapterEventKind.Removed], events.Select(e => e.Kind));
        Assert.Equal("hci1", events[0].Adapter.Name);
        Assert.True(events[0].Adapter.IsPowered);
        Assert.False(events[1].Adapter.IsPowered);
    }
}
