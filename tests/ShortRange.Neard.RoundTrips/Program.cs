using System.Diagnostics;
using System.Globalization;
using ShortRange.Neard.RoundTrips;
using Tmds.DBus.Protocol;

// Round trips per second of a neard client over one private dbus-daemon: Properties.GetAll("org.neard.Adapter") and
// Adapter.StartPollLoop("Initiator"), sequential, against one neard-shaped service (FakeAdapterService, Tmds.DBus.Protocol).
// Clients alternate per round (order rotated) so machine load hits them alike; ratios are per round, then the median
// (the first client is the baseline). Until issue 16 it also ran the hand-written src/ShortRange.DBus client, same daemon,
// same run (figures in BENCHMARKS.md); that client is gone, the NeardClient row remains.
// Usage: dotnet run -c Release --project tests/ShortRange.Neard.RoundTrips [-- calls [rounds]]
int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10000;
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;

string dir = Directory.CreateTempSubdirectory("shortrange-neard-rt-").FullName;
string config = Path.Combine(dir, "bus.conf");
File.WriteAllText(config, $"""
    <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
     "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
    <busconfig>
      <type>session</type>
      <listen>unix:path={Path.Combine(dir, "bus")}</listen>
      <auth>EXTERNAL</auth>
      <policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy>
    </busconfig>
    """);
using var daemon = Process.Start(new ProcessStartInfo("/usr/bin/dbus-daemon", [$"--config-file={config}", "--print-address", "--nofork"])
{
    RedirectStandardOutput = true,
})!;
try
{
    string address = (await daemon.StandardOutput.ReadLineAsync())!.Trim();
    using var service = new DBusConnection(address);
    await service.ConnectAsync();
    service.AddMethodHandler(new FakeAdapterService());
    await service.RequestNameAsync("org.neard");

    var clients = new List<(string Name, Func<string, Task<IRoundTripClient>> Create)>
    {
        ("NeardClient on Tmds.DBus.Protocol", async a => await NewClient.CreateAsync(a)),
    };
    var created = new List<(string Name, IRoundTripClient Client)>();
    foreach (var (name, create) in clients) created.Add((name, await create(address)));
    var samples = new Dictionary<string, List<double>>();
    for (int round = 0; round < rounds; round++)
    {
        for (int i = 0; i < created.Count; i++)
        {
            var (name, client) = created[(i + round) % created.Count];
            foreach (var (kind, op) in new (string, Func<Task>)[] { ("GetAll", client.GetAllAsync), ("StartPollLoop", client.CallAsync) })
            {
                for (int w = 0; w < 200; w++) await op(); // warm-up
                var sw = Stopwatch.StartNew();
                for (int c = 0; c < calls; c++) await op();
                double rate = calls / sw.Elapsed.TotalSeconds;
                string key = $"{name} {kind}";
                if (!samples.TryGetValue(key, out var list)) samples[key] = list = [];
                list.Add(rate);
                Console.WriteLine($"round {round + 1}: {key,-48} {rate,9:N0} calls/s");
            }
        }
    }
    Console.WriteLine();
    Console.WriteLine($"{calls} sequential calls per sample, {rounds} rounds, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {Environment.ProcessorCount} CPUs");
    foreach (var (key, list) in samples)
        Console.WriteLine($"{key,-48} median {Median(list),9:N0} calls/s  (min {list.Min():N0}, max {list.Max():N0})");
    foreach (string kind in new[] { "GetAll", "StartPollLoop" })
    {
        var baseKey = $"{created[0].Name} {kind}";
        foreach (var (name, _) in created.Skip(1))
        {
            var a = samples[$"{name} {kind}"];
            var b = samples[baseKey];
            Console.WriteLine($"ratio {name} / {created[0].Name} ({kind}): {Median(a.Zip(b, (x, y) => x / y)):0.00}×");
        }
    }
    foreach (var (_, client) in created) await client.DisposeAsync();
}
finally
{
    daemon.Kill();
    daemon.WaitForExit();
    Directory.Delete(dir, recursive: true);
}
return 0;

static double Median(IEnumerable<double> values)
{
    var s = values.OrderBy(x => x).ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

internal interface IRoundTripClient : IAsyncDisposable
{
    Task GetAllAsync();

    Task CallAsync();
}

/// <summary>ShortRange's neard client as users call it: NeardAdapter.GetPropertiesAsync and StartPollLoopAsync.</summary>
internal sealed class NewClient : IRoundTripClient
{
    private readonly ShortRange.Nfc.Neard.NeardClient _client;
    private readonly ShortRange.Nfc.Neard.NeardAdapter _adapter;

    private NewClient(ShortRange.Nfc.Neard.NeardClient client)
    {
        _client = client;
        _adapter = client.GetAdapter("nfc0");
    }

    public static async Task<NewClient> CreateAsync(string address) => new(await ShortRange.Nfc.Neard.NeardClient.ConnectAsync(address));

    public async Task GetAllAsync()
    {
        var p = await _adapter.GetPropertiesAsync();
        if (p.Protocols.Count != 5) throw new InvalidOperationException("GetAll");
    }

    public Task CallAsync() => _adapter.StartPollLoopAsync();

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
