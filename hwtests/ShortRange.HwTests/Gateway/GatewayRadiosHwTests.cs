using System.Text.Json;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;
using ShortRange.HwTests.Nfc;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Snep;

namespace ShortRange.HwTests.Gateway;

/// <summary>
/// The gateway process against mosquitto in the guest: a discoverable Bluetooth controller (hci1) is published as found
/// by the gateway scanning on hci0, and an NDEF message that nfc0 pushes (SNEP PUT) to the gateway's SNEP server on nfc1
/// appears on the broker, decoded.
/// </summary>
public sealed class GatewayRadiosHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string line) =>
        JsonDocument.Parse(line[(line.IndexOf(' ', line.IndexOf(' ', StringComparison.Ordinal) + 1) + 1)..]).RootElement;

    [Fact]
    public async Task A_discoverable_bluetooth_peer_is_published_as_found()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var (li, pi, _, peerAddress) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        await using (var control = new MgmtClient(MgmtSocketTransport.Open()))
            await control.SetDiscoverableAsync(pi, 1, 0, Ct);
        try
        {
            using var gw = new LabGateway();
            gw.StartGateway("--Gateway:LowPan:Enabled=false", "--Gateway:Discovery:Technologies:0=Bluetooth",
                $"--Gateway:Discovery:BluetoothAdapter={local}");
            string expected = new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.BrEdr).ToString();
            string line = gw.WaitFor(l => l.Contains(" lab/discovery/bluetooth/", StringComparison.Ordinal)
                && Json(l).GetProperty("address").GetString() == expected, $"discovery of {expected}");
            var json = Json(line);
            Assert.Equal("shortrange.gateway.discovery/1", json.GetProperty("schema").GetString());
            Assert.Equal("found", json.GetProperty("event").GetString());
            Assert.Equal(local, json.GetProperty("adapter").GetString());
            Assert.Equal("rssi", json.GetProperty("signalKind").GetString());
            Assert.Equal(0, gw.Terminate());
            // The gateway waits for the radio's stop before it exits (IDeviceDiscovery.StopIdleScansAsync): the stop
            // is confirmed in its log, and a new Start Discovery is accepted at once (CI, seed of the landing run: Busy).
            Assert.Contains($"Discovery stopped on {local}", string.Join("\n", gw.GatewayOutput));
            await using var check = new MgmtClient(MgmtSocketTransport.Open());
            await check.StartDiscoveryAsync(li, DiscoveryAddressTypes.BrEdr, Ct);
            await check.StopDiscoveryAsync(li, DiscoveryAddressTypes.BrEdr, Ct);
        }
        finally
        {
            await using var control = new MgmtClient(MgmtSocketTransport.Open());
            await control.SetDiscoverableAsync(pi, 0, 0, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_bluetooth_radio_that_disappears_and_comes_back_is_scanned_again()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var (_, pi, _, peerAddress) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        await using (var control = new MgmtClient(MgmtSocketTransport.Open()))
            await control.SetDiscoverableAsync(pi, 1, 0, Ct);
        using var gw = new LabGateway();
        gw.StartGateway("--Gateway:LowPan:Enabled=false", "--Gateway:Discovery:Technologies:0=Bluetooth",
            $"--Gateway:Discovery:BluetoothAdapter={local}");
        string before = new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.BrEdr).ToString();
        gw.WaitFor(l => l.Contains(" lab/discovery/bluetooth/", StringComparison.Ordinal) && Json(l).GetProperty("address").GetString() == before,
            $"discovery of {before}");

        // Both controllers vanish (btvirt ends) and fresh ones appear: the scan ends with the adapter gone, the gateway
        // keeps running and scans again once a controller by that name is back and powered.
        LabControl.RestartBtvirt();
        gw.WaitForLog("Bluetooth discovery ended");
        var (_, pi2, _, peerAddress2) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        try
        {
            await using (var control = new MgmtClient(MgmtSocketTransport.Open()))
                await control.SetDiscoverableAsync(pi2, 1, 0, Ct);
            string after = new BluetoothDeviceAddress(peerAddress2, BluetoothAddressType.BrEdr).ToString();
            int foundBefore = gw.Messages.Count(l => l.Contains(" lab/discovery/bluetooth/", StringComparison.Ordinal));
            gw.WaitFor(_ => gw.Messages.Skip(foundBefore).Any(l => l.Contains(" lab/discovery/bluetooth/", StringComparison.Ordinal)
                && Json(l).GetProperty("address").GetString() == after && Json(l).GetProperty("event").GetString() == "found"),
                $"discovery of {after} after the radio came back");
            Assert.Equal(0, gw.Terminate());
        }
        finally
        {
            await using var control = new MgmtClient(MgmtSocketTransport.Open());
            await control.SetDiscoverableAsync(pi2, 0, 0, CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_ndef_message_pushed_by_an_nfc_peer_is_published()
    {
        await using var lab = await NfcLab.OpenAsync(Ct);
        using var gw = new LabGateway();
        // The gateway serves SNEP on the peer device; the lab's helper brings the DEP link up (peer listens, local polls).
        gw.StartGateway("--Gateway:LowPan:Enabled=false", "--Gateway:Discovery:Enabled=false", "--Gateway:Nfc:Enabled=true",
            $"--Gateway:Nfc:Device={lab.Peer.Name}", "--Gateway:Nfc:Listen=false");
        gw.WaitForLog($"SNEP server on {lab.Peer.Name}");
        await lab.LinkUpAsync(Ct);
        var message = NdefMessage.Encode([NdefTextRecord.Create("hello gateway", "en"), NdefUriRecord.Create("https://example.com/gw")]);
        using (var client = await SnepClient.ConnectAsync(lab.Local.Index, lab.Target!.Index, NfcLab.Wait, Ct))
            await client.PutAsync(message, Ct);

        var json = Json(gw.WaitFor(l => l.Contains(" lab/nfc/ndef ", StringComparison.Ordinal), "NDEF message"));
        Assert.Equal("shortrange.gateway.nfc.ndef/1", json.GetProperty("schema").GetString());
        Assert.Equal(lab.Peer.Name, json.GetProperty("adapter").GetString());
        Assert.Equal("peer", json.GetProperty("origin").GetString());
        var records = json.GetProperty("records");
        Assert.Equal(2, records.GetArrayLength());
        Assert.Equal("hello gateway", records[0].GetProperty("text").GetString());
        Assert.Equal("https://example.com/gw", records[1].GetProperty("uri").GetString());
        Assert.Equal(0, gw.Terminate());
    }
}
