using System.Text.Json;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;
using ShortRange.HwTests.Tool;

namespace ShortRange.HwTests.Gateway;

/// <summary>
/// The gateway subscribes to an LE device's notifying characteristic and publishes each value: the device is
/// `shortrange bt advertise --serve` on one controller (demo counter 5352c001-…, notifies once per second, little-endian
/// uint32), the gateway connects from the other. The device then goes away and comes back: the gateway reconnects by
/// itself and values flow again.
/// </summary>
public sealed class GatewayGattHwTests
{
    private const string Counter = "5352c001-7c1a-4f6e-9a51-0f3b6a2d8e01";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string line) =>
        JsonDocument.Parse(line[(line.IndexOf(' ', line.IndexOf(' ', StringComparison.Ordinal) + 1) + 1)..]).RootElement;

    private static ShortRangeTool.Running StartDevice(string adapter)
    {
        var advertise = ShortRangeTool.Start("bt", "advertise", "--adapter", adapter, "--name", "SR-gw", "--serve");
        Assert.True(advertise.WaitForOut(l => l.StartsWith("advertising on " + adapter, StringComparison.Ordinal), ShortRangeTool.Timeout),
            "advertise did not start: " + string.Join(" | ", advertise.Error));
        return advertise;
    }

    [Fact]
    public async Task Notifications_of_a_configured_characteristic_reach_the_broker_and_survive_the_device_leaving()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);
        string device = new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic).ToString()!;
        string topic = $" lab/gatt/{device}/{Counter} ";
        using var gw = new LabGateway();
        var advertise = StartDevice(local);
        try
        {
            gw.StartGateway("--Gateway:LowPan:Enabled=false", "--Gateway:Discovery:Enabled=false", $"--Gateway:Gatt:Adapter={peer}",
                $"--Gateway:Gatt:Devices:0:Address={device}", $"--Gateway:Gatt:Devices:0:Characteristics:0={Counter}");
            var first = Values(gw, topic, 3);
            var json = Json(gw.Messages.First(l => l.Contains(topic, StringComparison.Ordinal)));
            Assert.Equal("shortrange.gateway.gatt.value/1", json.GetProperty("schema").GetString());
            Assert.Equal(peer, json.GetProperty("adapter").GetString());
            Assert.Equal(device, json.GetProperty("address").GetString());
            Assert.Equal("5352c000-7c1a-4f6e-9a51-0f3b6a2d8e01", json.GetProperty("service").GetString());
            Assert.Equal("notification", json.GetProperty("kind").GetString());
            Assert.Equal(4, json.GetProperty("length").GetInt32());
            for (int k = 1; k < first.Count; k++) Assert.Equal(first[k - 1] + 1, first[k]); // one per second, none lost

            // The device leaves (its process ends: the link drops) and comes back.
            advertise.Interrupt();
            Assert.Equal(0, advertise.WaitForExit());
            advertise.Dispose();
            gw.WaitForLog($"GATT {device}: link ended");
            int seen = gw.Messages.Count(l => l.Contains(topic, StringComparison.Ordinal));
            advertise = StartDevice(local);
            var again = Values(gw, topic, seen + 2);
            Assert.True(again.Count >= seen + 2, $"values after the device came back: {again.Count - seen}");
            Assert.Equal(2, gw.GatewayOutput.Count(l => l.Contains($"GATT {device}: subscribed to {Counter}", StringComparison.Ordinal)));
            Assert.Equal(0, gw.Terminate());
        }
        finally
        {
            // A clean exit removes its advertising instance; a failed test may find it gone already (then Dispose).
            try
            {
                advertise.Interrupt();
                advertise.WaitForExit();
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or Xunit.Sdk.XunitException) { }
            advertise.Dispose();
        }
    }

    /// <summary>Waits for <paramref name="count"/> values on the topic; returns every counter value seen (uint32 LE).</summary>
    private static List<uint> Values(LabGateway gw, string topic, int count)
    {
        gw.WaitFor(_ => gw.Messages.Count(l => l.Contains(topic, StringComparison.Ordinal)) >= count, $"{count} GATT values on{topic}");
        return [.. gw.Messages.Where(l => l.Contains(topic, StringComparison.Ordinal))
            .Select(l => BitConverter.ToUInt32(Convert.FromBase64String(Json(l).GetProperty("value").GetString()!)))];
    }
}
