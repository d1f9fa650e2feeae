using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;
using static ShortRange.Bluetooth.Mgmt.MgmtOpcode;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// bluetoothd for one test: started with --compat (the /run/sdp socket sdptool add needs), stopped and its controller
/// changes undone on dispose. bluetoothd takes over every controller when it starts; with kernel connection control
/// (mgmt Add Device, Linux ≥ 3.19) its read_info_complete turns Connectable OFF. btvirt's emulated controller answers
/// a page to a controller that is not page scanning with an immediate Connection Complete (Page Timeout), and an L2CAP
/// connect that fails at once is what triggers the 6.1 kernel BUG in hci_chan_del. So <see cref="StartAsync"/> returns
/// only once bluetoothd's L2CAP PSM 1 listener is up (/run/sdp is created after it) and bluetoothd's Connectable OFF
/// has been seen on both controllers, and then turns Connectable back on: any connect after that finds a listener.
/// bluetoothd also leaves kernel state behind that mgmt's settings do not show (see <see cref="Residue"/>); in full-lab CI
/// (seed 746862486) every BR/EDR connect to hci1 was refused after it. So dispose, after putting the mgmt settings back
/// and recording what still differs, restarts the lab's btvirt (fresh hci0/hci1, as <see cref="BluezGattPeer"/> does).
/// </summary>
internal sealed class BluetoothdLab : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly Process _daemon;
    private readonly StringBuilder _log = new();
    private readonly MgmtClient _mgmt;
    private readonly Dictionary<ushort, ControllerInfo> _before;
    private readonly Dictionary<ushort, Dictionary<string, string>> _kernelBefore;

    private BluetoothdLab(Process daemon, MgmtClient mgmt, Dictionary<ushort, ControllerInfo> before,
        Dictionary<ushort, Dictionary<string, string>> kernelBefore)
    {
        _daemon = daemon;
        _mgmt = mgmt;
        _before = before;
        _kernelBefore = kernelBefore;
    }

    /// <summary>
    /// After dispose: per controller, what differed from before bluetoothd once the mgmt settings, name, class, UUIDs and
    /// Device ID had been put back (debugfs and hciconfig, <see cref="BluetoothKernelState"/>), measured before btvirt's restart.
    /// </summary>
    public string Residue { get; private set; } = "";

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>What bluetoothd changed on start-up that the test had to see before connecting (for the report).</summary>
    public string TakeOver { get; private set; } = "";

    public static async Task<BluetoothdLab> StartAsync(ushort[] indexes, CancellationToken ct)
    {
        string bluetoothd = File.Exists("/usr/libexec/bluetooth/bluetoothd") ? "/usr/libexec/bluetooth/bluetoothd"
            : File.Exists("/usr/lib/bluetooth/bluetoothd") ? "/usr/lib/bluetooth/bluetoothd" : LabRequire.Tool("bluetoothd");
        LabRequire.That(LabProcess.Run("pidof", "bluetoothd").ExitCode != 0, "bluetoothd is already running");
        File.Delete("/run/sdp"); // a stale socket file from an earlier bluetoothd would end the wait below at once
        var mgmt = new MgmtClient(MgmtSocketTransport.Open());
        var before = new Dictionary<ushort, ControllerInfo>();
        var kernelBefore = new Dictionary<ushort, Dictionary<string, string>>();
        foreach (var i in indexes)
        {
            before[i] = await mgmt.ReadControllerInfoAsync(i, ct);
            kernelBefore[i] = BluetoothKernelState.Snapshot(i);
        }
        var psi = new ProcessStartInfo(bluetoothd) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "--compat" }) psi.ArgumentList.Add(a);
        var lab = new BluetoothdLab(Process.Start(psi)!, mgmt, before, kernelBefore);
        lab._daemon.ErrorDataReceived += (_, e) => { lock (lab._log) lab._log.AppendLine(e.Data); };
        lab._daemon.OutputDataReceived += (_, e) => { lock (lab._log) lab._log.AppendLine(e.Data); };
        lab._daemon.BeginErrorReadLine();
        lab._daemon.BeginOutputReadLine();
        try
        {
            Assert.True(LabProcess.WaitUntil(() => File.Exists("/run/sdp") || lab._daemon.HasExited, Bound) && !lab._daemon.HasExited,
                "bluetoothd --compat did not create /run/sdp: " + lab.Log);
            var sw = Stopwatch.StartNew();
            while (true)
            {
                var off = new List<ushort>();
                foreach (var i in indexes)
                    if (!(await mgmt.ReadControllerInfoAsync(i, ct)).CurrentSettings.HasFlag(MgmtSettings.Connectable)) off.Add(i);
                if (off.Count == indexes.Length) break;
                Assert.True(sw.Elapsed < Bound && !lab._daemon.HasExited,
                    $"bluetoothd did not take over the controllers (Connectable still on for {indexes.Length - off.Count}) within {Bound}: {lab.Log}");
                await Task.Delay(50, ct);
            }
            lab.TakeOver = $"bluetoothd cleared Connectable on {indexes.Length} controllers after {sw.ElapsedMilliseconds} ms; set back on";
            foreach (var i in indexes) await mgmt.SetConnectableAsync(i, true, ct);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SIGTERM (bluetoothd powers its controllers off on exit), then every setting, name, class, UUID and Device ID back as
    /// before, what still differs recorded in <see cref="Residue"/>, and in the lab fresh controllers (btvirt restarted).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Bound);
        var residue = new StringBuilder();
        try
        {
            if (!_daemon.HasExited)
            {
                LabProcess.Run("kill", "-TERM", _daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (!_daemon.WaitForExit(TimeSpan.FromSeconds(20))) _daemon.Kill();
            }
            await _daemon.WaitForExitAsync(cts.Token);
            File.Delete("/run/sdp");
            foreach (var (i, info) in _before)
            {
                string mgmtLeft;
                try { mgmtLeft = await RestoreAsync(i, info, cts.Token); }
                catch (MgmtException e) { mgmtLeft = "restore failed: " + e.Message + "; "; }
                string kernelLeft = BluetoothKernelState.Diff(_kernelBefore[i], BluetoothKernelState.Snapshot(i));
                residue.Append(CultureInfo.InvariantCulture, $"hci{i}: {(mgmtLeft + kernelLeft is { Length: > 0 } d ? d : "nothing; ")}");
            }
        }
        finally
        {
            Residue = residue.ToString();
            _daemon.Dispose();
            await _mgmt.DisposeAsync();
            if (LabEnvironment.InLab) LabControl.RestartBtvirt(2);
        }
    }

    private static readonly (MgmtSettings Flag, ushort Opcode)[] Toggles =
    [
        (MgmtSettings.Powered, MGMT_OP_SET_POWERED), // first: some below need a powered controller to apply at once
        // Secure Connections before LE and SSP: the kernel rejects changing it once neither LE nor SSP is on (seen in the lab).
        (MgmtSettings.SecureConnections, 0x002D), // MGMT_OP_SET_SECURE_CONN (doc/mgmt-api.txt)
        (MgmtSettings.DebugKeys, 0x002E), // MGMT_OP_SET_DEBUG_KEYS
        (MgmtSettings.BrEdr, MGMT_OP_SET_BREDR), (MgmtSettings.SecureSimplePairing, MGMT_OP_SET_SSP),
        (MgmtSettings.LowEnergy, MGMT_OP_SET_LE), (MgmtSettings.Connectable, MGMT_OP_SET_CONNECTABLE),
        (MgmtSettings.FastConnectable, MGMT_OP_SET_FAST_CONNECTABLE), (MgmtSettings.Bondable, MGMT_OP_SET_BONDABLE),
        (MgmtSettings.LinkSecurity, MGMT_OP_SET_LINK_SECURITY),
    ];

    /// <summary>Puts mgmt's view back; returns what still differs ("" when nothing).</summary>
    private async Task<string> RestoreAsync(ushort index, ControllerInfo before, CancellationToken ct)
    {
        var now = (await _mgmt.ReadControllerInfoAsync(index, ct)).CurrentSettings;
        if (!now.HasFlag(MgmtSettings.Powered)) now = await _mgmt.SetPoweredAsync(index, true, ct);
        if (now.HasFlag(MgmtSettings.Discoverable) && !before.CurrentSettings.HasFlag(MgmtSettings.Discoverable))
            await _mgmt.SetDiscoverableAsync(index, 0, 0, ct);
        foreach (var (flag, opcode) in Toggles)
        {
            now = (await _mgmt.ReadControllerInfoAsync(index, ct)).CurrentSettings;
            bool want = before.CurrentSettings.HasFlag(flag);
            if (now.HasFlag(flag) != want) await _mgmt.SendCommandAsync(opcode, index, new[] { (byte)(want ? 1 : 0) }, ct);
        }
        await _mgmt.SendCommandAsync(0x0011, index, new byte[16], ct); // MGMT_OP_REMOVE_UUID, all zero: remove every UUID
        var cls = new byte[2];
        cls[0] = (byte)((before.ClassOfDevice >> 8) & 0x1F); // major
        cls[1] = (byte)(before.ClassOfDevice & 0xFF); // minor (bits 2–7 as in the Class of Device octet)
        await _mgmt.SendCommandAsync(MGMT_OP_SET_DEV_CLASS, index, cls, ct);
        var did = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(did, 0); // MGMT_OP_SET_DEVICE_ID source 0: Device ID disabled
        await _mgmt.SendCommandAsync(0x0028, index, did, ct);
        await _mgmt.SetLocalNameAsync(index, before.Name, before.ShortName, ct);
        // bluetoothd turns Discoverable off; Set Discoverable needs Connectable, so it comes back last (timeout 0: stays on).
        if (before.CurrentSettings.HasFlag(MgmtSettings.Discoverable)
            && !(await _mgmt.ReadControllerInfoAsync(index, ct)).CurrentSettings.HasFlag(MgmtSettings.Discoverable))
            await _mgmt.SetDiscoverableAsync(index, 1, 0, ct);
        var after = await _mgmt.ReadControllerInfoAsync(index, ct);
        return after.CurrentSettings == before.CurrentSettings && after.Name == before.Name ? ""
            : $"mgmt settings {after.CurrentSettings} (before {before.CurrentSettings}), name '{after.Name}' (before '{before.Name}'); ";
    }
}
