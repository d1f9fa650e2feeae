using System.Diagnostics;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>The mgmt transport, adapter monitor and discovery against the kernel's real stack (lab: btvirt hci0/hci1).</summary>
public class MgmtHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ushort IndexOf(string adapter) => ushort.Parse(adapter.AsSpan(3), provider: System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Mgmt_version_and_adapter_enumeration_find_both_controllers()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using (var client = new MgmtClient(MgmtSocketTransport.Open()))
        {
            var (version, revision) = await client.ReadVersionAsync(Ct);
            Assert.True(version >= 1, $"mgmt version {version}.{revision}");
            TestContext.Current.SendDiagnosticMessage($"mgmt {version}.{revision}");
        }
        var monitor = new BluetoothAdapterMonitor(Options.Create(new BluetoothOptions()));
        var adapters = await monitor.GetAdaptersAsync(Ct);
        Assert.Contains(adapters, a => a.Name == local && a.Technology == Technology.Bluetooth);
        Assert.Contains(adapters, a => a.Name == peer);
        Assert.All(adapters, a => Assert.Matches("^([0-9A-F]{2}:){5}[0-9A-F]{2}$", a.Address!));
        Assert.All(adapters, a => Assert.IsType<ControllerInfo>(a.Details));
    }

    [Fact]
    public async Task Invalid_index_maps_to_typed_exception()
    {
        LabRequire.BluetoothAdapter();
        LabRequire.Root();
        await using var client = new MgmtClient(MgmtSocketTransport.Open());
        var ex = await Assert.ThrowsAsync<MgmtException>(() => client.ReadControllerInfoAsync(0x0FFF, Ct));
        Assert.Equal(MgmtStatus.InvalidIndex, ex.Status);
    }

    [Fact]
    public async Task Adapter_monitor_reports_added_then_removed_for_a_new_btvirt()
    {
        var local = LabRequire.BluetoothAdapter();
        LabRequire.Root();
        LabRequire.InLab();
        string btvirt = LabRequire.Tool("btvirt");
        var monitor = new BluetoothAdapterMonitor(Options.Create(new BluetoothOptions()));
        var events = new List<AdapterEvent>();
        var added = new TaskCompletionSource<AdapterEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var removed = new TaskCompletionSource<AdapterEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort li = IndexOf(local);
        using var sub = monitor.Changes.Subscribe(e =>
        {
            lock (events) events.Add(e);
            if (e.Kind == AdapterEventKind.Changed && e.Adapter.Name == local) ready.TrySetResult();
            if (e.Kind == AdapterEventKind.Added) added.TrySetResult(e);
            if (e.Kind == AdapterEventKind.Removed && added.Task.IsCompleted && e.Adapter.Name == added.Task.Result.Adapter.Name) removed.TrySetResult(e);
        });
        // Ready = the monitor's socket receives events: flip Bondable on hci0 (New Settings reaches every other mgmt
        // socket) until its Changed event arrives, then put it back.
        await using (var control = new MgmtClient(MgmtSocketTransport.Open()))
        {
            bool bondable = (await control.ReadControllerInfoAsync(li, Ct)).CurrentSettings.HasFlag(MgmtSettings.Bondable);
            var deadline = Stopwatch.StartNew();
            while (!ready.Task.IsCompleted)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the adapter monitor saw no New Settings within 30 s");
                await control.SetBondableAsync(li, !bondable, Ct);
                await control.SetBondableAsync(li, bondable, Ct);
                await Task.WhenAny(ready.Task, Task.Delay(500, Ct));
            }
        }
        using var proc = Process.Start(new ProcessStartInfo(btvirt, "-l1") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var a = await added.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.StartsWith("hci", a.Adapter.Name, StringComparison.Ordinal);
        }
        finally
        {
            proc.Kill();
            await proc.WaitForExitAsync(Ct);
        }
        var r = await removed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.False(r.Adapter.IsPowered);
    }

    [Fact]
    public async Task Hci0_discovers_hci1_by_name_and_disposing_stops_discovery()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        ushort li = IndexOf(local), pi = IndexOf(peer);
        const string PeerName = "ShortRangePeer";
        await using var control = new MgmtClient(MgmtSocketTransport.Open());
        var peerInfo = await control.ReadControllerInfoAsync(pi, Ct);
        await control.SetLocalNameAsync(pi, PeerName, ct: Ct);
        await control.SetSecureSimplePairingAsync(pi, true, Ct); // SSP on: the inquiry response carries EIR with the name
        await control.SetPoweredAsync(pi, true, Ct);
        await control.SetConnectableAsync(pi, true, Ct);
        await control.SetDiscoverableAsync(pi, 1, 0, Ct);
        await control.SetPoweredAsync(li, true, Ct);

        var scanner = new BluetoothScanner(Options.Create(new BluetoothOptions { Adapter = local, DiscoveryTypes = DiscoveryAddressTypes.BrEdr }));
        var found = new TaskCompletionSource<DeviceSighting>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sw = Stopwatch.StartNew();
        var sub = scanner.Scan().Subscribe(
            s => { if (((BluetoothDeviceAddress)s.Address).Value == peerInfo.Address && s.Name is not null) found.TrySetResult(s); },
            ex => found.TrySetException(ex));
        DeviceSighting sighting;
        try { sighting = await found.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct); }
        catch { sub.Dispose(); throw; }
        TestContext.Current.SendDiagnosticMessage($"found {sighting.Address} '{sighting.Name}' rssi {sighting.Signal} after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(PeerName, sighting.Name);
        Assert.Equal(local, sighting.Adapter);
        Assert.IsType<BluetoothDeviceDetails>(sighting.Details);

        var stopped = new TaskCompletionSource<DiscoveringEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = control.Events.Subscribe(p =>
        {
            if (p.Code == MgmtEventCode.MGMT_EV_DISCOVERING && p.Index == li)
            {
                var d = MgmtEvents.Discovering(p.Parameters.Span);
                if (!d.Discovering) stopped.TrySetResult(d);
            }
        });
        sub.Dispose();
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        // Really stopped, and by the scanner's own Stop Discovery: the controller accepts a fresh Start Discovery
        // (mgmt answers Busy while a discovery is running) and reports Discovering on for ours, then off when we stop it.
        var oursOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oursOff = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch2 = control.Events.Subscribe(p =>
        {
            if (p.Code != MgmtEventCode.MGMT_EV_DISCOVERING || p.Index != li) return;
            if (MgmtEvents.Discovering(p.Parameters.Span).Discovering) oursOn.TrySetResult();
            else if (oursOn.Task.IsCompleted) oursOff.TrySetResult();
        });
        await control.StartDiscoveryAsync(li, DiscoveryAddressTypes.BrEdr, Ct);
        await oursOn.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await control.StopDiscoveryAsync(li, DiscoveryAddressTypes.BrEdr, Ct);
        await oursOff.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        // A second round is accepted too: nothing restarted discovery on our Discovering-off (the scanner restarts on it).
        await control.StartDiscoveryAsync(li, DiscoveryAddressTypes.BrEdr, Ct);
        await control.StopDiscoveryAsync(li, DiscoveryAddressTypes.BrEdr, Ct);
        var info = await control.ReadControllerInfoAsync(li, Ct);
        Assert.True(info.CurrentSettings.HasFlag(MgmtSettings.Powered));
    }
}
