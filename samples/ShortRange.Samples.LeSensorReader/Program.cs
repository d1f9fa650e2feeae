// LE sensor reader: `PEER_ADDR [LOCAL_ADDR] [--random]` connects to an LE peripheral (it must be advertising
// connectably), prints its services, then subscribes to the first characteristic that notifies (Heart Rate
// Measurement 0x2A37 and Battery Level 0x2A19 first) and prints each value until Ctrl+C or until the peer goes away.
// Addresses are written AA:BB:CC:DD:EE:FF; LOCAL_ADDR defaults to any controller. No bluetoothd needed.
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Devices;

static ulong Addr(string? s) => s is null ? 0 : ulong.Parse(s.Replace(":", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
if (positional.Length == 0)
{
    Console.Error.WriteLine("usage: LeSensorReader PEER_ADDR [LOCAL_ADDR] [--random]");
    return 2;
}
var peer = new BluetoothDeviceAddress(Addr(positional[0]), args.Contains("--random") ? BluetoothAddressType.LeRandom : BluetoothAddressType.LePublic);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

await using var connection = await GattConnection.ConnectAsync(Addr(positional.ElementAtOrDefault(1)), peer, cancellationToken: stop.Token);
// The state stream replays the latest state and never errors: the end of the link is always reported here.
using var states = connection.State.Subscribe(s => Console.WriteLine($"[{s.Status}{(s.Reason == GattDisconnectReason.None ? "" : ": " + s.Reason)}]"));
Console.WriteLine($"connected, ATT_MTU {connection.Bearer.Mtu}");

var gatt = connection.Client;
GattCharacteristic? chosen = null;
foreach (var service in await gatt.DiscoverPrimaryServicesAsync(cancellationToken: stop.Token))
{
    Console.WriteLine($"service {service.Uuid}");
    foreach (var c in await gatt.DiscoverCharacteristicsAsync(service, stop.Token))
    {
        Console.WriteLine($"  characteristic {c.Uuid} ({c.Properties})");
        bool notifies = c.Properties.HasFlag(GattCharacteristicProperties.Notify);
        if (notifies && (chosen is null || c.Uuid == BluetoothUuid.FromShort(0x2A37) || c.Uuid == BluetoothUuid.FromShort(0x2A19) && chosen.Uuid != BluetoothUuid.FromShort(0x2A37)))
            chosen = c;
    }
}
if (chosen is null)
{
    Console.WriteLine("nothing notifies here");
    return 0;
}

var cccd = (await gatt.DiscoverDescriptorsAsync(chosen, stop.Token)).First(d => d.Uuid == GattUuids.ClientCharacteristicConfiguration);
Console.WriteLine($"subscribing to {chosen.Uuid}; Ctrl+C to stop");
try
{
    // Subscribing writes the CCCD; disposing (end of the await) clears it. A disconnect ends the stream with an exception.
    await gatt.Subscribe(chosen, cccd.Handle)
        .Do(v => Console.WriteLine($"{DateTime.Now:HH:mm:ss}  {Convert.ToHexString(v.Span)}"))
        .LastOrDefaultAsync()
        .ToTask(stop.Token);
}
catch (OperationCanceledException) { }
catch (ShortRange.Bluetooth.Att.AttBearerClosedException e)
{
    Console.WriteLine("the sensor went away: " + e.Message);
}
return 0;
