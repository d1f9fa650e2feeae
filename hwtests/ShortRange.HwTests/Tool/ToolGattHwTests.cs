using System.Text.Json;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>
/// `bt advertise --serve` on one controller and `bt gatt` on the other: the tree (JSON), a read, and the demo counter's
/// notifications until Ctrl+C. Demo database (BtAdvertiseCommand): 1 Battery service, 3 Battery Level = 100; 4 counter
/// service, 6 counter value (notify), 7 its CCCD.
/// </summary>
public class ToolGattHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Ok(ProcessResult r) => Assert.True(r.ExitCode == 0, $"{r.Command}: exit {r.ExitCode}; stderr: {r.StandardError}; stdout: {r.StandardOutput}");

    [Fact]
    public async Task Gatt_reads_the_tree_a_value_and_notifications_from_advertise_serve()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);
        string address = new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic).ToString();
        using (var advertise = ShortRangeTool.Start("bt", "advertise", "--adapter", local, "--name", "SR-tool", "--uuid", "0x180f", "--serve"))
        {
            Assert.True(advertise.WaitForOut(l => l.StartsWith("advertising on " + local, StringComparison.Ordinal), ShortRangeTool.Timeout),
                "advertise did not start: " + string.Join(" | ", advertise.Error));

            var tree = ShortRangeTool.Run("bt", "gatt", address, "--adapter", peer, "--json");
            Ok(tree);
            using (var doc = JsonDocument.Parse(tree.StandardOutput))
            {
                var services = doc.RootElement.EnumerateArray().ToList();
                Assert.Equal(["0x180f", "5352c000-7c1a-4f6e-9a51-0f3b6a2d8e01"], services.Select(s => s.GetProperty("uuid").GetString()));
                var counter = Assert.Single(services[1].GetProperty("characteristics").EnumerateArray());
                Assert.Equal(6, counter.GetProperty("valueHandle").GetInt32());
                Assert.Equal("0x2902", Assert.Single(counter.GetProperty("descriptors").EnumerateArray()).GetProperty("uuid").GetString());
            }

            var read = ShortRangeTool.Run("bt", "gatt", address, "--adapter", peer, "--read", "0x0003");
            Ok(read);
            Assert.Equal("64", read.StandardOutput.Trim());   // Battery Level 100

            using (var notify = ShortRangeTool.Start("bt", "gatt", address, "--adapter", peer, "--notify", "0x0006"))
            {
                Assert.True(notify.WaitForOut(_ => notify.Out.Count >= 2, ShortRangeTool.Timeout), "no two notifications: " + string.Join(" | ", notify.Error));
                var values = notify.Out.Take(2).Select(l => BitConverter.ToUInt32(Convert.FromHexString(l.Trim()))).ToList();
                Assert.Equal(values[0] + 1, values[1]);   // the counter counts once per second
                notify.Interrupt();
                Assert.Equal(0, notify.WaitForExit());
            }
            advertise.Interrupt();
            Assert.Equal(0, advertise.WaitForExit());
        }
        var features = await p.Mgmt.SendCommandAsync(MgmtOpcode.MGMT_OP_READ_ADV_FEATURES, p.LocalIndex, ReadOnlyMemory<byte>.Empty, Ct);
        Assert.Equal(0, features.Span[7]);   // Num_Instances: the tool removed its advertisement
    }
}
