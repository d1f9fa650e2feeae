using System.Globalization;
using System.Text.Json;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>The tool's Bluetooth commands against the lab's btvirt controllers (hci0 = the tool, hci1 = the peer).</summary>
public class ToolBluetoothHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ushort Index(string name) => ushort.Parse(name.AsSpan(3), provider: CultureInfo.InvariantCulture);

    private static void Ok(ProcessResult r) => Assert.True(r.ExitCode == 0, $"{r.Command}: exit {r.ExitCode}; stderr: {r.StandardError}; stdout: {r.StandardOutput}");

    [Fact]
    public async Task Info_json_reports_the_address_btmgmt_reports()
    {
        var (local, _) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string btmgmt = LabProcess.Run(LabRequire.Tool("btmgmt"), "--index", Index(local).ToString(CultureInfo.InvariantCulture), "info").EnsureSuccess().StandardOutput;
        var r = ShortRangeTool.Run("bt", "info", "--adapter", local, "--json");
        Ok(r);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var info = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(local, info.GetProperty("adapter").GetString());
        string address = info.GetProperty("address").GetString()!;
        Assert.Contains("addr " + address, btmgmt, StringComparison.OrdinalIgnoreCase);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Power_off_and_on_changes_the_controller_state()
    {
        var (local, _) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var off = ShortRangeTool.Run("bt", "power", "off", "--adapter", local);
        Ok(off);
        Assert.Equal($"{local}: off", off.StandardOutput.Trim());
        await using (var client = new MgmtClient(MgmtSocketTransport.Open()))
            Assert.False((await client.ReadControllerInfoAsync(Index(local), Ct)).CurrentSettings.HasFlag(MgmtSettings.Powered));
        var on = ShortRangeTool.Run("bt", "power", "on", "--adapter", local);
        Ok(on);
        Assert.Equal($"{local}: on", on.StandardOutput.Trim());
        await using (var client = new MgmtClient(MgmtSocketTransport.Open()))
            Assert.True((await client.ReadControllerInfoAsync(Index(local), Ct)).CurrentSettings.HasFlag(MgmtSettings.Powered));
    }

    [Fact]
    public async Task Scan_json_sees_the_peer_controller()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        ulong peerAddress;
        await using (var control = new MgmtClient(MgmtSocketTransport.Open()))
        {
            peerAddress = (await control.ReadControllerInfoAsync(Index(peer), Ct)).Address;
            await control.SetPoweredAsync(Index(peer), true, Ct);
            await control.SetConnectableAsync(Index(peer), true, Ct);
            await control.SetDiscoverableAsync(Index(peer), 1, 0, Ct);
            await control.SetPoweredAsync(Index(local), true, Ct);
        }
        string expected = new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.BrEdr).ToString();
        var r = ShortRangeTool.Run("scan", "--tech", "bt", "--adapter", local, "--timeout", "20", "--json");
        Ok(r);
        var events = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "found" && e.GetProperty("technology").GetString() == "bt"
            && e.GetProperty("address").GetString() == expected && e.GetProperty("adapter").GetString() == local);
        // The command stopped its discovery when it ended: a new Start Discovery is accepted (not Busy).
        await using var check = new MgmtClient(MgmtSocketTransport.Open());
        await check.StartDiscoveryAsync(Index(local), DiscoveryAddressTypes.BrEdr, Ct);
        await check.StopDiscoveryAsync(Index(local), DiscoveryAddressTypes.BrEdr, Ct);
    }

    private sealed class AcceptingAgent : IPairingAgent
    {
        public TaskCompletionSource<uint> Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ValueTask<bool> ConfirmPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, CancellationToken ct)
        {
            Confirmed.TrySetResult(passkey);
            return ValueTask.FromResult(true);
        }
        public ValueTask<uint?> RequestPasskeyAsync(BluetoothDeviceAddress peer, CancellationToken ct) => ValueTask.FromResult<uint?>(null);
        public ValueTask DisplayPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, byte entered, CancellationToken ct) => ValueTask.CompletedTask;
        public ValueTask<byte[]?> RequestPinCodeAsync(BluetoothDeviceAddress peer, bool secure, CancellationToken ct) => ValueTask.FromResult<byte[]?>(null);
    }

    [Fact]
    public async Task Pair_bonds_lists_and_unpair_removes_the_bond()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.InLab();
        try
        {
            string bonds = Path.Combine(Path.GetTempPath(), "sr-tool-bonds-" + Guid.NewGuid().ToString("N"));
            await using var client = new MgmtClient(MgmtSocketTransport.Open());
            var localInfo = await client.ReadControllerInfoAsync(Index(local), Ct);
            var peerInfo = await client.ReadControllerInfoAsync(Index(peer), Ct);
            var localAddr = new BluetoothDeviceAddress(localInfo.Address, BluetoothAddressType.BrEdr);
            var peerAddr = new BluetoothDeviceAddress(peerInfo.Address, BluetoothAddressType.BrEdr);
            // The peer side (hci1) is configured and answered by this test, as a second device would be.
            await client.SetPoweredAsync(Index(peer), false, Ct);
            await client.SetSecureSimplePairingAsync(Index(peer), true, Ct);
            await client.SetBondableAsync(Index(peer), true, Ct);
            await client.SetConnectableAsync(Index(peer), true, Ct);
            await client.SetIoCapabilityAsync(Index(peer), IoCapability.DisplayYesNo, Ct);
            await client.SetPoweredAsync(Index(peer), true, Ct);
            foreach (var (i, a) in new[] { (Index(local), peerAddr), (Index(peer), localAddr) })
                try { await client.UnpairDeviceAsync(i, a, true, Ct); } catch (MgmtException) { }

            var peerAgent = new AcceptingAgent();
            await using (var peerSession = new PairingSession(client, Index(peer), peerAgent))
            {
                await peerSession.StartAsync(Ct);
                var pair = ShortRangeTool.Run("bt", "pair", peerAddr.ToString(), "--adapter", local, "--yes", "--bonds", bonds);
                Ok(pair);
                Assert.Equal($"paired {local} with {peerAddr}; bond stored in {bonds}", pair.StandardOutput.Trim());
                uint passkey = await peerAgent.Confirmed.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
                Assert.Contains($"confirming passkey {passkey:D6}", pair.StandardError, StringComparison.Ordinal);
            }

            var list = ShortRangeTool.Run("bt", "bonds", "--adapter", local, "--bonds", bonds, "--json");
            Ok(list);
            using (var doc = JsonDocument.Parse(list.StandardOutput))
            {
                var bond = Assert.Single(doc.RootElement.EnumerateArray());
                Assert.Equal(peerAddr.ToString(), bond.GetProperty("address").GetString());
                Assert.True(bond.GetProperty("linkKey").GetBoolean());
            }

            var unpair = ShortRangeTool.Run("bt", "unpair", peerAddr.ToString(), "--adapter", local, "--bonds", bonds);
            Ok(unpair);
            var after = ShortRangeTool.Run("bt", "bonds", "--adapter", local, "--bonds", bonds, "--json");
            Ok(after);
            Assert.Equal("[]", after.StandardOutput.Trim());
            Directory.Delete(bonds, true);
        }
        finally
        {
            await LabBluetooth.RestoreAfterPairingAsync(local, peer);
        }
    }

    [Fact]
    public async Task L2cap_connect_gets_the_echo_of_l2cap_listen()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var (_, _, _, peerAddress) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        string peerText = new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.BrEdr).ToString();
        using var listener = ShortRangeTool.Start("bt", "l2cap", "listen", "--psm", "4099", "--adapter", peer, "--echo", "--count", "1");
        listener.WaitForError("listening on PSM 0x1003");
        var connect = ShortRangeTool.Run("bt", "l2cap", "connect", peerText, "--psm", "4099", "--adapter", local, "--send", "hello over l2cap");
        Ok(connect);
        Assert.Equal("hello over l2cap", connect.StandardOutput.Trim());
        Assert.Equal(0, listener.WaitForExit());
        Assert.Equal(["hello over l2cap"], listener.Out);
    }

    [Fact]
    public async Task Capture_writes_a_btsnoop_file_and_stops_cleanly_on_ctrl_c()
    {
        var (local, _) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string file = Path.Combine(Path.GetTempPath(), "sr-tool-" + Guid.NewGuid().ToString("N") + ".btsnoop");
        using (var capture = ShortRangeTool.Start("bt", "capture", file))
        {
            capture.WaitForError("capturing HCI traffic");
            Ok(ShortRangeTool.Run("bt", "info", "--adapter", local)); // some mgmt/HCI traffic to capture
            capture.Interrupt();
            Assert.Equal(0, capture.WaitForExit());
        }
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        Assert.True(bytes.Length > 16 + 24, $"only {bytes.Length} bytes captured");
        Assert.Equal("btsnoop\0"u8.ToArray(), bytes[..8]);
        if (LabProcess.FindTool("btmon") is { } btmon)
        {
            var read = LabProcess.Run(btmon, "-r", file);
            Assert.Equal(0, read.ExitCode);
            Assert.Contains(local, read.StandardOutput, StringComparison.Ordinal);
        }
        File.Delete(file);
    }
}
