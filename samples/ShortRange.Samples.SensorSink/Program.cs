// A 6LoWPAN UDP sensor sink. ShortRange's user-space 6LoWPAN (IPHC, fragmentation, ND) bridges the wpan radio to a
// TUN interface, so the application is an ordinary UdpClient. Run as root:
//   dotnet ShortRange.Samples.SensorSink.dll wpan0 [port] [seconds]
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.Nl802154;
using ShortRange.LowPan.Transport;
using ShortRange.LowPan.Tun;

string wpan = args.Length > 0 ? args[0] : "wpan0";
int port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5683;
using var stop = new CancellationTokenSource(args.Length > 2 ? TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture)) : Timeout.InfiniteTimeSpan);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

// 1. Our identity on the radio: the PAN ID and addresses the interface already has (nl802154, as iwpan shows them).
WpanInterfaceInfo radio;
using (var nl = await Nl802154Client.OpenAsync())
    radio = (await nl.ListInterfacesAsync()).Single(i => i.Name == wpan);
var link = new LowPanLink(new LowPanLinkOptions { PanId = radio.PanId, ExtendedAddress = radio.ExtendedAddress });

// 2. Frames over AF_PACKET on wpanN, IPv6 packets over a TUN device: the host's IPv6 stack now speaks 6LoWPAN.
await using var bridge = new LowPanTunBridge(TunDevice.Create("sink%d"), link, PacketFrameTransport.Open(wpan));
bridge.Start();
var address = new IPAddress(link.LinkLocalAddress, bridge.Tun.InterfaceIndex);
Console.WriteLine($"sink on [{address}]:{port} via {bridge.Tun.Name} (PAN 0x{radio.PanId:x4})");

// 3. Plain .NET from here on: every datagram is one sensor reading.
using var udp = new UdpClient(new IPEndPoint(address, port));
try
{
    while (true)
    {
        var reading = await udp.ReceiveAsync(stop.Token);
        Console.WriteLine($"{DateTime.Now:HH:mm:ss} {reading.RemoteEndPoint}: {Encoding.UTF8.GetString(reading.Buffer)}");
    }
}
catch (OperationCanceledException) { }
Console.WriteLine($"{bridge.PacketsToHost} packets from the radio, {link.Drops.Total} dropped");
