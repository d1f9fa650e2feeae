using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

public class MonitorHwTests
{
    /// <summary>
    /// Wireshark's HCI dissector is the other implementation: the btsnoop file we wrote must decode there to the
    /// HCI Write Local Name command carrying the name we set (bthci_cmd.device_name), on the controller we set it on.
    /// </summary>
    [Fact]
    public async Task Monitor_capture_writes_btsnoop_that_tshark_decodes_to_the_name_we_set()
    {
        var adapter = LabRequire.BluetoothAdapter();
        LabRequire.Root();
        string tshark = LabRequire.Tool("tshark"); // the lab installs it (hwtests/lab/run packages): missing there fails
        var ct = TestContext.Current.CancellationToken;
        ushort index = LabBluetooth.Index(adapter);
        string name = "Snoop" + Guid.NewGuid().ToString("N")[..8];
        string path = Path.Combine(Path.GetTempPath(), $"shortrange-{Guid.NewGuid():N}.btsnoop");
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var capture = new MonitorCapture().CaptureToFileAsync(path, stop.Token);
            await using (var client = new MgmtClient(MgmtSocketTransport.Open()))
            {
                await client.SetPoweredAsync(index, true, ct);
                // Completes after the controller answered: the command and its event are on the monitor socket by now,
                // and the capture drains what is queued when it is stopped.
                await client.SetLocalNameAsync(index, name, ct: ct);
            }
            await stop.CancelAsync();
            await capture.WaitAsync(TimeSpan.FromSeconds(10), ct);

            // btsnoop from the monitor channel (link type 2001) carries the controller index in the pseudo header.
            // tshark loads every dissector at start: under TCG on a loaded host that alone has taken over 30 s.
            var result = LabProcess.Run(tshark!, ["-r", path, "-Y", "bthci_cmd.device_name", "-T", "fields",
                "-e", "hci_mon.adapter_id", "-e", "bthci_cmd.opcode", "-e", "bthci_cmd.device_name"], TimeSpan.FromSeconds(180));
            TestContext.Current.SendDiagnosticMessage(result.ToString());
            Assert.Equal(0, result.ExitCode);
            var rows = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
            // HCI_Write_Local_Name: OGF 0x03, OCF 0x0013 → opcode 0x0c13 (Core Vol 4 Part E §7.3.11).
            Assert.Contains(rows, f => f.Length == 3 && f[0] == index.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && f[1] == "0x0c13" && f[2] == name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// BlueZ's btmon is the other implementation of the mgmt key layouts: Load Long Term Keys and Load Identity Resolving
    /// Keys sent by our client to the kernel, captured from the monitor channel (mgmt commands are mirrored there), must
    /// decode in <c>btmon -r</c> to the values we gave (btmon prints EDIV and Rand as the octets on the wire).
    /// </summary>
    [Fact]
    public async Task Btmon_decodes_our_ltk_and_irk_load_commands_to_the_values_we_gave()
    {
        var adapter = LabRequire.BluetoothAdapter();
        LabRequire.Root();
        string btmon = LabRequire.Tool("btmon");
        var ct = TestContext.Current.CancellationToken;
        ushort index = LabBluetooth.Index(adapter);
        var key = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
        var identity = new BluetoothDeviceAddress(0xC0FFEE123456, BluetoothAddressType.LeRandom); // static random: top bits 11
        string path = Path.Combine(Path.GetTempPath(), $"shortrange-{Guid.NewGuid():N}.btsnoop");
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var capture = new MonitorCapture().CaptureToFileAsync(path, stop.Token);
            // Opened after the capture started, so btmon also sees this socket's MGMT Open.
            await using (var client = new MgmtClient(MgmtSocketTransport.Open()))
            {
                await client.LoadLongTermKeysAsync(index, [new LongTermKey(identity, 0x01, true, 16, 0xBEEF, 0x0102030405060708, key)], ct);
                await client.LoadIdentityResolvingKeysAsync(index, [new IdentityResolvingKey(identity, key)], ct);
            }
            await stop.CancelAsync();
            await capture.WaitAsync(TimeSpan.FromSeconds(10), ct);

            var r = LabProcess.Run(btmon, ["-r", path], TimeSpan.FromSeconds(120));
            TestContext.Current.SendDiagnosticMessage(r.ToString());
            Assert.Equal(0, r.ExitCode);
            var text = r.StandardOutput;
            int ltk = text.IndexOf("MGMT Command: Load Long Term Keys (0x0013) plen 38", StringComparison.Ordinal);
            Assert.True(ltk >= 0, "btmon shows no Load Long Term Keys with one 36-octet key");
            var ltkLines = Lines(text, ltk, 9);
            Assert.Equal(["Keys: 1", "LE Address: C0:FF:EE:12:34:56 (Static)", "Key type: Authenticated legacy key (0x01)", "Central: 0x01",
                "Encryption size: 16", "Diversifier: efbe", "Randomizer: 0807060504030201", "Key: 101112131415161718191a1b1c1d1e1f"], ltkLines[1..]);
            int irk = text.IndexOf("(0x0030) plen 25", StringComparison.Ordinal);
            Assert.True(irk >= 0, "btmon shows no Load Identity Resolving Keys with one 23-octet key");
            var irkLines = Lines(text, irk, 4);
            Assert.Equal("Keys: 1", irkLines[1]);
            Assert.StartsWith("LE Address: C0:FF:EE:12:34:56", irkLines[2], StringComparison.Ordinal);
            Assert.Equal("Key: 101112131415161718191a1b1c1d1e1f", irkLines[3]);
        }
        finally
        {
            // Back to the baseline: no LE keys on the controller.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using var client = new MgmtClient(MgmtSocketTransport.Open());
            await client.LoadLongTermKeysAsync(index, [], cts.Token);
            await client.LoadIdentityResolvingKeysAsync(index, [], cts.Token);
            File.Delete(path);
        }
    }

    private static string[] Lines(string text, int from, int count) =>
        text[from..].Split('\n').Take(count).Select(l => l.Trim()).ToArray();
}
