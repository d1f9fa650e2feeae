using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
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
        string? tshark = LabProcess.FindTool("tshark");
        // The lab installs tshark (hwtests/lab/run packages): missing there is a broken lab, not a reason to skip.
        if (tshark is null && LabEnvironment.InLab) Assert.Fail("tshark is not installed in the lab (hwtests/lab/run packages=(… tshark))");
        Assert.SkipUnless(tshark is not null, "'tshark' is not installed (apt-get install tshark).");
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
            var result = LabProcess.Run(tshark!, "-r", path, "-Y", "bthci_cmd.device_name", "-T", "fields",
                "-e", "hci_mon.adapter_id", "-e", "bthci_cmd.opcode", "-e", "bthci_cmd.device_name");
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
}
