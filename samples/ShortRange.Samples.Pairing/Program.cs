// Pairing with an agent: the kernel asks, the agent answers, the bond is stored and reloaded at the next start.
// Run as root: dotnet ShortRange.Samples.Pairing.dll hci0 AA:BB:CC:DD:EE:FF [--accept-all]
// With --accept-all the sample also answers for a second local controller (the lab's hci1) so both sides agree.
using System.Globalization;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ShortRange.Samples.Pairing hciN PEER-ADDRESS [--accept-all]");
    return 2;
}
ushort index = ushort.Parse(args[0].AsSpan(3), provider: CultureInfo.InvariantCulture);
var peer = BluetoothDeviceAddress.Parse(args[1]);
bool acceptAll = args.Contains("--accept-all");

// 1. One mgmt channel to the kernel (the HCI control channel: no bluetoothd involved).
await using var mgmt = new MgmtClient(MgmtSocketTransport.Open());
await mgmt.SetBondableAsync(index, true);
await mgmt.SetIoCapabilityAsync(index, IoCapability.DisplayYesNo);
await mgmt.SetPoweredAsync(index, true);

// 2. A session = controller + agent + bond store. Start() loads stored bonds into the controller.
var store = new BondStore(Path.Combine(Path.GetTempPath(), "shortrange-sample-bonds"));
await using var session = new PairingSession(mgmt, index, new ConsoleAgent(acceptAll), store);
await session.StartAsync();
Console.WriteLine($"{session.LoadedBonds} stored bond(s) loaded into hci{index}");

// The lab's second controller plays the remote device: answer its side too.
PairingSession? other = null;
if (acceptAll)
{
    var peerIndex = (await mgmt.ReadIndexListAsync()).FirstOrDefault(i => i != index);
    other = new PairingSession(mgmt, peerIndex, new ConsoleAgent(true));
    await other.StartAsync();
}

// 3. Pair: completes when the kernel reports the result (MgmtException carries the status on failure).
try
{
    await session.PairAsync(peer, IoCapability.DisplayYesNo).WaitAsync(TimeSpan.FromSeconds(60));
    Console.WriteLine($"paired with {peer}; bond stored under {Path.Combine(Path.GetTempPath(), "shortrange-sample-bonds")}");
    return 0;
}
catch (MgmtException e)
{
    Console.Error.WriteLine($"pairing failed: {e.Status}");
    return 1;
}
finally
{
    if (other is not null) await other.DisposeAsync();
}

/// <summary>The agent: how an application takes part in pairing.</summary>
internal sealed class ConsoleAgent(bool acceptAll) : IPairingAgent
{
    public ValueTask<bool> ConfirmPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, CancellationToken ct)
    {
        Console.WriteLine($"{peer} shows {passkey:D6}?{(acceptAll ? " accepted" : " [y/N]")}");
        return ValueTask.FromResult(acceptAll || Console.ReadLine()?.Trim() is "y" or "Y");
    }

    public ValueTask<uint?> RequestPasskeyAsync(BluetoothDeviceAddress peer, CancellationToken ct)
    {
        Console.Write($"passkey shown by {peer}: ");
        return ValueTask.FromResult(uint.TryParse(Console.ReadLine(), CultureInfo.InvariantCulture, out var p) ? p : (uint?)null);
    }

    public ValueTask DisplayPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, byte entered, CancellationToken ct)
    {
        Console.WriteLine($"type {passkey:D6} on {peer}");
        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> RequestPinCodeAsync(BluetoothDeviceAddress peer, bool secure, CancellationToken ct) =>
        ValueTask.FromResult<byte[]?>("0000"u8.ToArray()); // legacy devices: the classic default PIN
}
