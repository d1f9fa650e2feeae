using System.Globalization;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>Set-up shared by the Bluetooth hwtests: controller indexes and a powered, connectable pair.</summary>
public static class LabBluetooth
{
    /// <summary>The mgmt index of an adapter name such as "hci1".</summary>
    public static ushort Index(string adapter) => ushort.Parse(adapter.AsSpan(3), provider: CultureInfo.InvariantCulture);

    /// <summary>Powers both controllers, makes them connectable and returns their indexes and BD_ADDRs.</summary>
    public static async Task<(ushort LocalIndex, ushort PeerIndex, ulong LocalAddress, ulong PeerAddress)> PowerConnectablePairAsync(
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
        return (li, pi, localAddress, peerAddress);
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
