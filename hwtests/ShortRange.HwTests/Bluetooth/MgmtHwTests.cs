using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Bluetooth.Hci;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

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

        // The controller's side of it, from the kernel's HCI monitor: every HCI command sent to hci0 from here on.
        using var monitorSocket = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BluetoothSocketConstants.BTPROTO_HCI);
        monitorSocket.Bind(new HciSocketAddress(BluetoothSocketConstants.HCI_DEV_NONE, BluetoothSocketConstants.HCI_CHANNEL_MONITOR));
        var commands = new List<(ushort Opcode, byte[] Parameters, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var stopMonitor = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var monitoring = Task.Run(async () =>
        {
            var buf = new byte[MonitorPacket.HeaderSize + ushort.MaxValue];
            try
            {
                while (true)
                {
                    int n = await monitorSocket.Socket.ReceiveAsync(buf, SocketFlags.None, stopMonitor.Token);
                    var m = MonitorPacket.Decode(buf.AsSpan(0, n));
                    if (m.Opcode != MonitorPacket.HCI_MON_COMMAND_PKT || m.Index != li || m.Payload.Length < 3) continue;
                    var c = HciCommandPacket.Decode(m.Payload.Span);
                    lock (commands) commands.Add((c.Opcode, c.Parameters.ToArray(), clock.Elapsed));
                }
            }
            catch (OperationCanceledException) when (stopMonitor.IsCancellationRequested) { }
        }, Ct);

        var stopped = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = control.Events.Subscribe(p =>
        {
            if (p.Code == MgmtEventCode.MGMT_EV_DISCOVERING && p.Index == li)
            {
                var d = MgmtEvents.Discovering(p.Parameters.Span);
                if (!d.Discovering) stopped.TrySetResult(clock.Elapsed);
            }
        });
        sub.Dispose();
        var stoppedAt = await stopped.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        // Stopped at the controller: the scanner's Stop Discovery became an HCI Inquiry Cancel (0x0402) or, when the round
        // was resolving names, a Remote Name Request Cancel (0x041a) (Core Vol 4 Part E §7.1.2, §7.1.20).
        Assert.True(LabProcess.WaitUntil(() => { lock (commands) return commands.Any(c => c.Opcode is 0x0402 or 0x041A); }, TimeSpan.FromSeconds(15)),
            "no Inquiry Cancel / Remote Name Request Cancel reached hci0");
        // And nothing starts a new inquiry or scan: a scanner that restarted rounds after disposal would send HCI_Inquiry
        // within a command round trip of the Discovering-off event. The wait ends early, as a failure, if one appears.
        static bool StartsScanning((ushort Opcode, byte[] Parameters, TimeSpan At) c) =>
            c.Opcode is 0x0401 or 0x0403 // HCI_Inquiry, HCI_Periodic_Inquiry_Mode
            || (c.Opcode is 0x200C or 0x2042 && c.Parameters.Length > 0 && c.Parameters[0] == 1); // LE (Extended) Scan Enable on
        bool restarted = LabProcess.WaitUntil(() => { lock (commands) return commands.Any(c => c.At > stoppedAt && StartsScanning(c)); }, TimeSpan.FromSeconds(5));
        await stopMonitor.CancelAsync();
        await monitoring.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        lock (commands)
            TestContext.Current.SendDiagnosticMessage("hci0 commands from the disposal on: " + string.Join(", ", commands.Select(c => $"0x{c.Opcode:x4}@{c.At.TotalMilliseconds:F0}ms")));
        Assert.False(restarted, "an inquiry or scan started on hci0 after the scan was disposed");
        // Nothing more is asked of hci0 here: btvirt's emulator (BlueZ emulator/btdev.c) has crashed shortly after a
        // cancelled mgmt inquiry in 3 of 3 lab runs (general protection fault); the lab restarts it for the next test.
    }

    /// <summary>
    /// Discovery is narrowed to the transports the controller has enabled: with LE switched off, the default scan (all
    /// transports asked) runs as BR/EDR discovery — the kernel's Discovering event says so — instead of being rejected.
    /// </summary>
    [Fact]
    public async Task Default_scan_on_a_controller_without_le_discovers_br_edr_only()
    {
        var local = LabRequire.BluetoothAdapter();
        LabRequire.Root();
        ushort li = IndexOf(local);
        await using var control = new MgmtClient(MgmtSocketTransport.Open());
        var before = (await control.ReadControllerInfoAsync(li, Ct)).CurrentSettings;
        Assert.True(before.HasFlag(MgmtSettings.BrEdr), $"{local} has BR/EDR off: {before}");
        try
        {
            if (!before.HasFlag(MgmtSettings.Powered)) await control.SetPoweredAsync(li, true, Ct);
            var now = await control.SetLowEnergyAsync(li, false, Ct);
            Assert.False(now.HasFlag(MgmtSettings.LowEnergy));
            var on = new TaskCompletionSource<DiscoveringEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            var off = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watch = control.Events.Subscribe(p =>
            {
                if (p.Code != MgmtEventCode.MGMT_EV_DISCOVERING || p.Index != li) return;
                var d = MgmtEvents.Discovering(p.Parameters.Span);
                if (d.Discovering) on.TrySetResult(d);
                else if (on.Task.IsCompleted) off.TrySetResult();
            });
            var scanner = new BluetoothScanner(Options.Create(new BluetoothOptions { Adapter = local })); // DiscoveryTypes: All
            Exception? error = null;
            using (scanner.Scan().Subscribe(_ => { }, ex => error = ex))
            {
                var started = await on.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                Assert.Null(error);
                Assert.Equal(DiscoveryAddressTypes.BrEdr, started.AddressTypes);
            }
            await off.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        }
        finally
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (before.HasFlag(MgmtSettings.LowEnergy)) await control.SetLowEnergyAsync(li, true, cts.Token);
            if (!before.HasFlag(MgmtSettings.Powered)) await control.SetPoweredAsync(li, false, cts.Token);
        }
    }
}
