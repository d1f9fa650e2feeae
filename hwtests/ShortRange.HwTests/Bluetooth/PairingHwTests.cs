using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

public class PairingHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Numeric_comparison_pairing_persists_bond_and_reloads_it()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.InLab();
        ushort li = LabBluetooth.Index(local);
        ushort pi = LabBluetooth.Index(peer);
        // Random test order: undo the IO capability and the keys whatever happens, so later links need no agent.
        try
        {
            string dir = Path.Combine(Path.GetTempPath(), "sr-hw-bonds-" + Guid.NewGuid().ToString("N"));
            await using var client = new MgmtClient(MgmtSocketTransport.Open());
            foreach (var i in new[] { li, pi })
            {
                await client.SetPoweredAsync(i, false, Ct);
                await client.SetSecureSimplePairingAsync(i, true, Ct);
                await client.SetBondableAsync(i, true, Ct);
                await client.SetConnectableAsync(i, true, Ct);
                await client.SetIoCapabilityAsync(i, IoCapability.DisplayYesNo, Ct);
                await client.SetPoweredAsync(i, true, Ct);
            }
            var peerInfo = await client.ReadControllerInfoAsync(pi, Ct);
            var localInfo = await client.ReadControllerInfoAsync(li, Ct);
            var peerAddr = new BluetoothDeviceAddress(peerInfo.Address, BluetoothAddressType.BrEdr);
            try { await client.UnpairDeviceAsync(li, peerAddr, true, Ct); } catch (MgmtException) { }

            var store = new BondStore(dir);
            var localAgent = new AcceptingPairingAgent();
            var peerAgent = new AcceptingPairingAgent();
            await using (var localSession = new PairingSession(client, li, localAgent, store))
            await using (var peerSession = new PairingSession(client, pi, peerAgent))
            {
                await localSession.StartAsync(Ct);
                await peerSession.StartAsync(Ct);
                await localSession.PairAsync(peerAddr, IoCapability.DisplayYesNo, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
                uint a = await localAgent.Confirmed.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
                uint b = await peerAgent.Confirmed.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
                Assert.Equal(a, b);
                for (int n = 0; n < 100 && store.Find(localInfo.Address, peerAddr) is null; n++) await Task.Delay(50, Ct);
            }
            var bond = store.Find(localInfo.Address, peerAddr);
            Assert.NotNull(bond);
            Assert.NotNull(bond!.LinkKey);

            // SDK restart: a new session over a new channel loads the bond into the controller.
            await using var client2 = new MgmtClient(MgmtSocketTransport.Open());
            await using var again = new PairingSession(client2, li, new AcceptingPairingAgent(), new BondStore(dir));
            await again.StartAsync(Ct);
            Assert.Equal(1, again.LoadedBonds);
            Assert.Empty(again.LoadErrors);
            Directory.Delete(dir, true);
        }
        finally
        {
            await LabBluetooth.RestoreAfterPairingAsync(local, peer);
        }
    }
}
