// A PAN NAP gateway: phones and laptops join over Bluetooth (BNEP, PANU role); each session's bnepN interface is put on
// the bridge pan0, which gets the gateway's address. Routing/NAT onward is ordinary Linux configuration.
// Run as root: dotnet ShortRange.Samples.PanGateway.dll hci0 [192.168.44.1/24] [seconds]
using System.Globalization;
using System.Net;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.Linux.Netlink;

string adapter = args.Length > 0 ? args[0] : "hci0";
var cidr = (args.Length > 1 ? args[1] : "192.168.44.1/24").Split('/');
using var stop = new CancellationTokenSource(args.Length > 2 ? TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture)) : Timeout.InfiniteTimeSpan);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

// 1. The controller: powered and connectable, so PANUs can reach PSM 0x000F.
ushort index = ushort.Parse(adapter.AsSpan(3), provider: CultureInfo.InvariantCulture);
BluetoothDeviceAddress local;
await using (var mgmt = new MgmtClient(MgmtSocketTransport.Open()))
{
    await mgmt.SetConnectableAsync(index, true);
    await mgmt.SetPoweredAsync(index, true);
    local = new BluetoothDeviceAddress((await mgmt.ReadControllerInfoAsync(index)).Address, BluetoothAddressType.BrEdr);
}

// 2. The NAP: listens on PSM 0x000F, creates and raises the bridge.
await using var nap = await PanServer.StartAsync(local, BnepRole.Nap, new PanOptions { BridgeName = "pan0" });
using (var rt = RtNetlinkClient.Open())
    await rt.AddAddressAsync(nap.BridgeIndex!.Value, IPAddress.Parse(cidr[0]), int.Parse(cidr[1], CultureInfo.InvariantCulture));
Console.WriteLine($"NAP on {adapter} ({local}); gateway {cidr[0]} on {nap.BridgeName}");

// 3. Accept PANUs until stopped; each is a bnepN on the bridge, gone when the phone leaves.
var sessions = new List<BnepConnection>();
try
{
    while (true)
    {
        var session = await nap.AcceptAsync(stop.Token);
        sessions.Add(session);
        Console.WriteLine($"{session.Peer} joined as {session.InterfaceName}");
        _ = session.Down.ContinueWith(_ => Console.WriteLine($"{session.Peer} left"), TaskScheduler.Default);
    }
}
catch (OperationCanceledException) { }
foreach (var s in sessions) await s.DisposeAsync();
Console.WriteLine("gateway stopped");
