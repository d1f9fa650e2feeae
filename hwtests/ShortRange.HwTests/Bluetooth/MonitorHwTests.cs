using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

public class MonitorHwTests
{
    [Fact]
    public async Task Monitor_capture_writes_btsnoop_that_tshark_reads()
    {
        var adapter = LabRequire.BluetoothAdapter();
        LabRequire.Root();
        string tshark = LabRequire.Tool("tshark");
        var ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(Path.GetTempPath(), $"shortrange-{Guid.NewGuid():N}.btsnoop");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var capture = new MonitorCapture().CaptureToFileAsync(path, stop.Token);
        await using (var client = new MgmtClient(MgmtSocketTransport.Open()))
        {
            ushort index = ushort.Parse(adapter.AsSpan(3), provider: System.Globalization.CultureInfo.InvariantCulture);
            await client.SetPoweredAsync(index, true, ct);
            await client.SetLocalNameAsync(index, "SnoopTest", ct: ct);
            await Task.Delay(500, ct);
        }
        await stop.CancelAsync();
        await capture.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var result = LabProcess.Run(tshark, "-r", path);
        TestContext.Current.SendDiagnosticMessage(result.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("HCI", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(new FileInfo(path).Length > 16);
        File.Delete(path);
    }
}
