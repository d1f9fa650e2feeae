using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;
using ShortRange.HwTests.Tool;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// The bond store's crash safety and its reload, against the kernel and a real process death:
/// 1. `shortrange bt pair` (a child process) pairs hci0 with hci1 and is killed by strace at its rename(2) — after the
///    new bond file is written and fsynced, before it replaces anything. The store must load without errors, keep the
///    other bonds byte for byte, and not show the half-finished bond.
/// 2. The tool pairs again and stores the bond. After an SDK "restart" that has only the store (hci0's kernel key
///    removed), an L2CAP channel that needs an authenticated link (security Medium) connects hci0 → hci1 with the stored
///    key: no agent is asked and no new key is made, so no new pairing took place.
/// </summary>
public class BondStoreCrashHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_writer_killed_at_rename_leaves_the_store_intact_and_the_stored_key_reconnects_without_pairing()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.InLab();
        string strace = LabRequire.Tool("strace");
        string tool = ShortRangeTool.Dll();
        ushort li = LabBluetooth.Index(local), pi = LabBluetooth.Index(peer);
        string dir = Path.Combine(Path.GetTempPath(), "sr-hw-crash-bonds-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (_, _, localAddress, peerAddress) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
            var peerAddr = new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.BrEdr);
            var localAddr = new BluetoothDeviceAddress(localAddress, BluetoothAddressType.BrEdr);
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

            // Two other bonds already in the store.
            var others = new[]
            {
                new LinkKey(new BluetoothDeviceAddress(0x00AA0B0B0001, BluetoothAddressType.BrEdr), 0x04, Key(1), 0),
                new LinkKey(new BluetoothDeviceAddress(0x00AA0B0B0002, BluetoothAddressType.BrEdr), 0x05, Key(2), 0),
            };
            var seed = new BondStore(dir);
            foreach (var k in others) seed.SaveLinkKey(localAddress, k);

            var peerAgent = new AcceptingPairingAgent();
            await using (var peerSession = new PairingSession(client, pi, peerAgent))
            {
                await peerSession.StartAsync(Ct);

                // 1. The writer dies between write and rename.
                var killed = LabProcess.Run(strace, ["-f", "-qq", "-o", "/dev/null", "-e", "trace=rename,renameat,renameat2",
                    "-e", "inject=rename,renameat,renameat2:signal=KILL", "dotnet", tool, "bt", "pair", Format(peerAddress),
                    "--adapter", local, "--yes", "--bonds", dir], TimeSpan.FromSeconds(120));
                TestContext.Current.SendDiagnosticMessage($"killed writer: {killed}");
                Assert.NotEqual(0, killed.ExitCode);
                string controllerDir = Path.Combine(dir, Format(localAddress).Replace(':', '_'));
                string peerFile = Path.Combine(controllerDir, Format(peerAddress).Replace(':', '_') + "_0.bond");
                Assert.True(File.Exists(peerFile + ".tmp"), $"the writer was not killed at its rename: {string.Join(", ", Directory.GetFiles(controllerDir))}");
                Assert.False(File.Exists(peerFile), "the killed write became visible");

                var reloaded = new BondStore(dir).Load(localAddress, out var errors);
                Assert.Empty(errors);
                Assert.Equal(others.Length, reloaded.Count);
                foreach (var k in others)
                {
                    var b = Assert.Single(reloaded, x => x.Address == k.Address);
                    Assert.Equal(k.Value, b.LinkKey!.Value);
                    Assert.Equal(k.KeyType, b.LinkKey.KeyType);
                }

                // 2. Pair again (the kernels kept the first key: forget it on both sides), this time to completion.
                await LabBluetooth.ForgetEachOtherAsync(client, li, localAddress, pi, peerAddress, Ct);
                var paired = LabProcess.Run("dotnet", [tool, "bt", "pair", Format(peerAddress), "--adapter", local, "--yes", "--bonds", dir], TimeSpan.FromSeconds(120));
                Assert.True(paired.ExitCode == 0, paired.ToString());
                Assert.Contains("bond stored", paired.StandardOutput, StringComparison.Ordinal);
                var stored = new BondStore(dir).Find(localAddress, peerAddr);
                Assert.NotNull(stored?.LinkKey);
                Assert.Equal(others.Length + 1, new BondStore(dir).Load(localAddress, out _).Count);

                // "Restart": hci0's kernel forgets the key and the link; only the store has it now.
                await client.UnpairDeviceAsync(li, peerAddr, disconnect: true, Ct);
                await LabBluetooth.WaitForNoLinkAsync(client, li, peerAddress, TimeSpan.FromSeconds(30), Ct);
                var localAgent = new AcceptingPairingAgent();
                int newKeys = 0;
                using var keys = client.Events.Subscribe(p =>
                {
                    if (p.Code == MgmtEventCode.MGMT_EV_NEW_LINK_KEY) Interlocked.Increment(ref newKeys);
                });
                await using var restarted = new PairingSession(client, li, localAgent, new BondStore(dir));
                await restarted.StartAsync(Ct);
                Assert.Equal(others.Length + 1, restarted.LoadedBonds);
                Assert.Empty(restarted.LoadErrors);

                const ushort Psm = 0x1207;
                using var listener = L2capChannel.Listen(new L2capSocketAddress(Psm, peerAddress));
                var medium = new L2capOptions { Security = L2capSecurityLevel.Medium };
                await using (var pair = await L2capLab.ConnectPairAsync(listener, new L2capSocketAddress(0, localAddress),
                    new L2capSocketAddress(Psm, peerAddress), medium, Ct, TimeSpan.FromSeconds(60)))
                {
                    Assert.True(pair.Client.SecurityLevel >= L2capSecurityLevel.Medium, $"client security {pair.Client.SecurityLevel}");
                    await pair.Client.SendAsync(new byte[] { 1, 2, 3 }, Ct);
                    var buf = new byte[16];
                    Assert.Equal(3, await pair.Server.ReceiveAsync(buf, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));
                }
                Assert.False(localAgent.Confirmed.Task.IsCompleted, "hci0's agent was asked: a new pairing took place");
                Assert.True(Volatile.Read(ref newKeys) == 0, "a New Link Key event: the controllers made a new key, so they paired again");
            }
        }
        finally
        {
            await LabBluetooth.RestoreAfterPairingAsync(local, peer);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static byte[] Key(int seed) => Enumerable.Range(0, 16).Select(i => (byte)(seed * 16 + i)).ToArray();

    private static string Format(ulong a) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(a >> (8 * (5 - i)))).ToString("X2", CultureInfo.InvariantCulture)));
}
