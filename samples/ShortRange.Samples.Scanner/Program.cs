// A reactive multi-technology scanner: one IObservable of Found/Updated/Lost events for every radio,
// shaped with ordinary System.Reactive operators. Run as root (mgmt and AF_PACKET need CAP_NET_ADMIN/CAP_NET_RAW):
//   dotnet run --project samples/ShortRange.Samples.Scanner -- 20
using System.Globalization;
using System.Reactive.Linq;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.DependencyInjection;
using ShortRange.Discovery;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 15;

// 1. Register the technologies an application wants, like any other .NET service.
await using var services = new ServiceCollection()
    .AddShortRange(b => b.AddBluetooth().AddLowPan())
    // Keep scanning with the other radios if one stack is missing (reported on Failures).
    .Configure<DiscoveryOptions>(o => o.ContinueOnTechnologyError = true)
    .BuildServiceProvider();
var discovery = services.GetRequiredService<IShortRangeDiscovery>();

using var failures = discovery.Failures.Subscribe(f => Console.WriteLine($"{f.Technology} unavailable: {f.Error.Message}"));

// 2. Discover() is cold: subscribing starts the radios' scans, disposing stops them.
var events = discovery.Discover();

// 3. Compose: the strongest signal per device every 5 s, plus every device the moment it is lost.
var strongest = events
    .Where(e => e.Kind != DiscoveryEventKind.Lost && e.Device.Signal is not null)
    .Buffer(TimeSpan.FromSeconds(5))
    .Where(batch => batch.Count > 0)
    .Select(batch => batch.GroupBy(e => e.Device.Address).Select(g => g.MaxBy(e => e.Device.Signal)!.Device));
var lost = events.Where(e => e.Kind == DiscoveryEventKind.Lost).Select(e => e.Device);

using (events.Where(e => e.Kind == DiscoveryEventKind.Found).Subscribe(
           e => Console.WriteLine($"found  {e.Device.Technology,-10} {e.Device.Address} {e.Device.Name}"),
           error => Console.WriteLine($"scan failed: {error.Message}")))
using (strongest.Subscribe(devices =>
       {
           foreach (var d in devices) Console.WriteLine($"signal {d.Technology,-10} {d.Address} {d.Signal} ({d.SignalKind})");
       }))
using (lost.Subscribe(d => Console.WriteLine($"lost   {d.Technology,-10} {d.Address}")))
{
    Console.WriteLine($"scanning for {seconds} s …");
    await Task.Delay(TimeSpan.FromSeconds(seconds));
} // 4. Disposing the subscriptions stops every radio scan.
Console.WriteLine("done");
