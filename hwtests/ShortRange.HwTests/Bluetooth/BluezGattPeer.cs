using System.Diagnostics;
using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// bluetoothd (system bus, foreground) with bluez-test-scripts' unmodified example-gatt-server registered through
/// GattManager1, and connectable LE advertising on the controller the script registered on. bluetoothd manages both
/// lab controllers; the script takes the first adapter bluetoothd lists with GattManager1, found here the same way.
/// Dispose stops the script and bluetoothd and restarts btvirt: bluetoothd rewrites controller settings (connectable
/// off, Secure Connections on, its name) that the other tests' baseline does not reset.
/// </summary>
internal sealed class BluezGattPeer : IAsyncDisposable
{
    public const string Script = "/usr/share/doc/bluez-test-scripts/examples/example-gatt-server";
    private const string Python = "/usr/bin/python3";
    private const ushort MGMT_OP_SET_ADVERTISING = 0x0029;   // doc/mgmt-api.txt; 0x02 = connectable advertising
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    // The script's own find_adapter(): the first object with org.bluez.GattManager1 in GetManagedObjects' order.
    private const string ListAdapters =
        "import dbus;b=dbus.SystemBus();o=dbus.Interface(b.get_object('org.bluez','/'),'org.freedesktop.DBus.ObjectManager')" +
        ".GetManagedObjects();print(' '.join(str(p) for p,i in o.items() if 'org.bluez.GattManager1' in i))";

    private readonly List<(string Name, Process Process, StringBuilder Log)> _processes = [];

    public string ServerAdapter { get; private set; } = "";
    public string ClientAdapter { get; private set; } = "";

    public string Log => string.Join("\n", _processes.Select(p => $"--- {p.Name}:\n{Snapshot(p.Log)}"));

    public static async Task<BluezGattPeer> StartAsync(string local, string peer, CancellationToken ct)
    {
        LabRequire.InLab();
        string bluetoothd = File.Exists("/usr/libexec/bluetooth/bluetoothd") ? "/usr/libexec/bluetooth/bluetoothd" : LabRequire.Tool("bluetoothd");
        LabRequire.That(File.Exists(Script), $"{Script} is missing (apt-get install bluez-test-scripts)");
        LabRequire.That(File.Exists(Python), $"{Python} is missing");
        var p = await LabBluetooth.BaselinePairAsync(local, peer, ct);
        var self = new BluezGattPeer();
        try
        {
            await using (var mgmt = new MgmtClient(MgmtSocketTransport.Open()))
                foreach (var i in new[] { p.LocalIndex, p.PeerIndex }) await mgmt.SetLowEnergyAsync(i, true, ct);

            var daemon = self.Start("bluetoothd", bluetoothd, "-n");
            string[] adapters = [];
            Assert.True(LabProcess.WaitUntil(() =>
            {
                if (daemon.HasExited) return true;
                var r = LabProcess.Run(Python, "-c", ListAdapters);
                adapters = r.ExitCode == 0 ? r.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
                return adapters.Length == 2;
            }, Bound) && !daemon.HasExited, "bluetoothd did not offer GattManager1 on both controllers:\n" + self.Log);
            self.ServerAdapter = adapters[0]["/org/bluez/".Length..];
            self.ClientAdapter = self.ServerAdapter == local ? peer : local;

            var script = self.Start("example-gatt-server", Python, "-u", Script);
            Assert.True(LabProcess.WaitUntil(() => script.HasExited || self.Output(1).Contains("GATT application registered", StringComparison.Ordinal), Bound)
                && !script.HasExited, "example-gatt-server did not register:\n" + self.Log);

            // bluetoothd turned "connectable" off; 0x02 advertises connectably regardless (mgmt-api.txt, Set Advertising).
            await using (var mgmt = new MgmtClient(MgmtSocketTransport.Open()))
                await mgmt.SendCommandAsync(MGMT_OP_SET_ADVERTISING, LabBluetooth.Index(self.ServerAdapter), new byte[] { 0x02 }, ct);
            return self;
        }
        catch
        {
            await self.DisposeAsync();
            throw;
        }
    }

    /// <summary>What process <paramref name="i"/> (0 bluetoothd, 1 the script) printed so far.</summary>
    public string Output(int i) => i < _processes.Count ? Snapshot(_processes[i].Log) : "";

    public async ValueTask DisposeAsync()
    {
        for (int i = _processes.Count - 1; i >= 0; i--)
        {
            var process = _processes[i].Process;
            if (!process.HasExited) LabProcess.Run("kill", process.Id.ToString(CultureInfo.InvariantCulture));   // SIGTERM: bluetoothd cleans up
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
            process.Dispose();
        }
        if (_processes.Count > 0) LabControl.RestartBtvirt(2);
    }

    private Process Start(string name, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        process.StandardInput.Close();
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((name, process, log));
        return process;
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log) return log.ToString();
    }
}
