using System.Globalization;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>Set-up shared by the Bluetooth hwtests: controller indexes and a powered, connectable pair.</summary>
public static class LabBluetooth
{
    /// <summary>The mgmt index of an adapter name such as "hci1".</summary>
    public static ushort Index(string adapter) => ControllerName.ParseIndex(adapter);

    /// <summary>
    /// Puts both controllers in the lab's baseline and returns their indexes and BD_ADDRs: powered, connectable, IO
    /// capability NoInputNoOutput (the kernel's default) and no keys for each other. Every BR/EDR L2CAP channel past SDP
    /// on an SSP link is encrypted, so the kernel pairs on connect; from this baseline that pairing is Just Works and
    /// needs no agent. Tests that change these settings (the pairing tests) leave other tests' links unaffected only
    /// because every test that needs a link starts from here — test order is random (xunit.v3).
    /// </summary>
    public static async Task<(ushort LocalIndex, ushort PeerIndex, ulong LocalAddress, ulong PeerAddress)> BaselinePairAsync(
        string local, string peer, CancellationToken ct)
    {
        ushort li = Index(local), pi = Index(peer);
        await using var client = new MgmtClient(MgmtSocketTransport.Open());
        foreach (var i in new[] { li, pi })
        {
            await client.SetPoweredAsync(i, true, ct);
            await client.SetConnectableAsync(i, true, ct);
        }
        ulong localAddress = (await client.ReadControllerInfoAsync(li, ct)).Address;
        ulong peerAddress = (await client.ReadControllerInfoAsync(pi, ct)).Address;
        await DisconnectEachOtherAsync(client, li, localAddress, pi, peerAddress, ct);
        await ResetPairingStateAsync(client, li, localAddress, pi, peerAddress, ct);
        return (li, pi, localAddress, peerAddress);
    }

    /// <summary>IO capability back to NoInputNoOutput on both controllers and no keys either way.</summary>
    private static async Task ResetPairingStateAsync(MgmtClient client, ushort li, ulong localAddress, ushort pi, ulong peerAddress,
        CancellationToken ct)
    {
        foreach (var i in new[] { li, pi }) await client.SetIoCapabilityAsync(i, IoCapability.NoInputNoOutput, ct);
        await ForgetEachOtherAsync(client, li, localAddress, pi, peerAddress, ct);
    }

    /// <summary>
    /// Ends every link (BR/EDR and LE) between the two controllers. An LE link left over from an LE test matters:
    /// btvirt's emulated controller then answers a BR/EDR Authentication Requested to the same BD_ADDR with an Auth
    /// Complete carrying the LE link's handle, the kernel never encrypts the BR/EDR link and the L2CAP connect fails.
    /// One side disconnects and the other is waited for: disconnecting from both at once has left hci1's command queue
    /// stuck in the 6.1 kernel (every later mgmt command Busy).
    /// </summary>
    public static async Task DisconnectEachOtherAsync(MgmtClient client, ushort li, ulong localAddress, ushort pi, ulong peerAddress,
        CancellationToken ct)
    {
        foreach (var (index, other, far, self) in new[] { (li, peerAddress, pi, localAddress), (pi, localAddress, li, peerAddress) })
        {
            foreach (var link in await client.GetConnectionsAsync(index, ct))
            {
                if (link.Value != other) continue;
                try { await client.DisconnectAsync(index, link, ct); }
                catch (MgmtException e) when (e.Status is MgmtStatus.NotConnected or MgmtStatus.Disconnected) { } // already going
            }
            await WaitForNoLinkAsync(client, far, self, TimeSpan.FromSeconds(10), ct);
        }
    }

    /// <summary>
    /// Waits (bounded) until neither controller lists a link to the other: after one side closed its last channel, so the
    /// next connect brings up a new link (a listener only gets links that come up while it listens).
    /// </summary>
    public static async Task WaitForNoLinkBetweenAsync(MgmtClient client, ushort aIndex, ulong aAddress, ushort bIndex, ulong bAddress,
        TimeSpan bound, CancellationToken ct)
    {
        await WaitForNoLinkAsync(client, aIndex, bAddress, bound, ct);
        await WaitForNoLinkAsync(client, bIndex, aAddress, bound, ct);
    }

    /// <summary>Waits (bounded, polling Get Connections) until controller <paramref name="index"/> has no link to <paramref name="address"/>.</summary>
    public static async Task WaitForNoLinkAsync(MgmtClient client, ushort index, ulong address, TimeSpan bound, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + bound;
        while ((await client.GetConnectionsAsync(index, ct)).Any(l => l.Value == address))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"hci{index} still has a link to {address:X12} {bound.TotalSeconds} s after the other side disconnected");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Removes the keys each controller holds for the other (mgmt Unpair Device, disconnecting); absent keys are fine.</summary>
    public static async Task ForgetEachOtherAsync(MgmtClient client, ushort li, ulong localAddress, ushort pi, ulong peerAddress,
        CancellationToken ct)
    {
        foreach (var (index, other) in new[] { (li, peerAddress), (pi, localAddress) })
        {
            try { await client.UnpairDeviceAsync(index, new BluetoothDeviceAddress(other, BluetoothAddressType.BrEdr), true, ct); }
            catch (MgmtException e) when (e.Status == MgmtStatus.NotPaired) { }
        }
    }

    /// <summary>Undoes a pairing test's settings: IO capability back to NoInputNoOutput and no keys either way.</summary>
    public static async Task RestoreAfterPairingAsync(string local, string peer)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ushort li = Index(local), pi = Index(peer);
        await using var client = new MgmtClient(MgmtSocketTransport.Open());
        ulong localAddress = (await client.ReadControllerInfoAsync(li, cts.Token)).Address;
        ulong peerAddress = (await client.ReadControllerInfoAsync(pi, cts.Token)).Address;
        await ResetPairingStateAsync(client, li, localAddress, pi, peerAddress, cts.Token);
    }
}

/// <summary>An agent that accepts every numeric comparison and records the passkey it was shown.</summary>
public sealed class AcceptingPairingAgent : IPairingAgent
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
