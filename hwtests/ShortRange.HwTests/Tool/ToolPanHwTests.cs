using System.Globalization;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>`bt pan connect` from hci0 to `bt pan listen --role nap` on hci1: a bnepN interface on each side.</summary>
public class ToolPanHwTests
{
    private static ushort Index(string name) => ushort.Parse(name.AsSpan(3), provider: CultureInfo.InvariantCulture);

    [Fact]
    public async Task Connect_joins_the_nap_that_listen_serves()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.InLab();
        var (_, _, _, peerAddress) = await LabBluetooth.BaselinePairAsync(local, peer, TestContext.Current.CancellationToken);
        string peerText = new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.BrEdr).ToString();
        using var listen = ShortRangeTool.Start("bt", "pan", "listen", "--adapter", peer, "--role", "nap", "--bridge", "srtool0", "--count", "1");
        listen.WaitForError("serving NAP");
        var connect = ShortRangeTool.Run("bt", "pan", "connect", peerText, "--adapter", local, "--duration", "5");
        Assert.True(connect.ExitCode == 0, $"exit {connect.ExitCode}: {connect.StandardError}");
        Assert.Matches($"^bnep[0-9]+ is up: PANU of NAP {peerText} ", connect.StandardOutput);
        Assert.Equal(0, listen.WaitForExit());
        Assert.Contains(listen.Out, l => l.Contains(" is up for ", StringComparison.Ordinal));
        Assert.Contains(listen.Out, l => l.Contains(" is down ", StringComparison.Ordinal));
        LabProcess.Shell("ip link del srtool0 2>/dev/null; true");
    }
}
