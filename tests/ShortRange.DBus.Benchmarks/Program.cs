using System.Diagnostics;
using System.Globalization;
using ShortRange.DBus;
using ShortRange.DBus.Benchmarks;

// Method-call round trips per second over one private dbus-daemon, Echo("ping") → "ping", with three clients
// (ShortRange.DBus; python3-dbus; dbusfloor, a raw-socket C peer that is the floor any client can reach) against
// three services (the same three), sequential and 32 calls in flight. Rounds interleave every scenario (order
// rotated per round) so machine load hits them alike; the table gives the median and the range, and ratios are
// taken per round (paired) and then their median.
// Usage: dotnet run -c Release --project tests/ShortRange.DBus.Benchmarks [-- calls [rounds [scenario-filter]]]
int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20000;
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
string? only = args.Length > 2 ? args[2] : null; // run only the scenarios whose name contains this
int pyCalls = Math.Max(calls / 4, 1);
const string OurName = "org.shortrange.BenchServer", OurPath = "/org/shortrange/Bench", OurIface = "org.shortrange.Bench";
const string PyName = "org.shortrange.PyBench", PyPath = "/org/shortrange/Py", PyIface = "org.shortrange.Py";
const string FloorName = "org.shortrange.FloorBench", FloorPath = "/org/shortrange/Floor", FloorIface = "org.shortrange.Floor";

using BusDaemon? daemon = await BusDaemon.StartAsync();
if (daemon is null)
{
    Console.Error.WriteLine("dbus-daemon not found (apt-get install dbus)");
    return 2;
}
Process? pyService = null, floorService = null;
var scenarios = new List<(string Name, bool Pipelined, Func<Task<Sample>> Run)>();
var samples = new Dictionary<string, List<Sample>>();
try
{
    await using var server = new Connection(daemon.Address);
    await server.ConnectAsync();
    using IDisposable export = server.Export(OurPath, new EchoInterface());
    await server.RequestNameAsync(OurName);
    await using var client = new Connection(daemon.Address);
    await client.ConnectAsync();

    string? floor = Peer.BuildFloor(daemon.Directory);
    if (floor is not null)
    {
        floorService = await Peer.StartServiceAsync(floor, ["serve", daemon.Address, FloorName]);
    }
    else
    {
        Console.Error.WriteLine("gcc unavailable: C floor rows skipped (apt-get install gcc)");
    }
    bool python = Peer.HasPythonDBus();
    if (python)
    {
        pyService = await Peer.StartServiceAsync(Peer.Python, [Path.Combine(AppContext.BaseDirectory, "service.py"), daemon.Address, PyName]);
    }
    else
    {
        Console.Error.WriteLine("python3-dbus unavailable: python rows skipped (apt-get install python3-dbus python3-gi)");
    }

    // The services' CPU, for the per-call cost breakdown (ours runs in this process: counted with our client).
    Func<TimeSpan>? floorCpu = floorService is null ? null : () => ProcessCpu.Of(floorService.Id);
    Func<TimeSpan>? pyCpu = pyService is null ? null : () => ProcessCpu.Of(pyService.Id);
    foreach (int inFlight in new[] { 1, 32 })
    {
        bool p = inFlight > 1;
        if (floor is not null)
        {
            scenarios.Add(("C floor → C floor", p, () => External(daemon, floorCpu, floor, ["call", daemon.Address, FloorName, FloorPath, FloorIface, Str(calls), Str(inFlight)], calls)));
            scenarios.Add(("ShortRange.DBus → C floor", p, () => Ours(daemon, floorCpu, client, FloorName, FloorPath, FloorIface, calls, inFlight)));
            scenarios.Add(("ShortRange.DBus pooled → C floor", p, () => Ours(daemon, floorCpu, client, FloorName, FloorPath, FloorIface, calls, inFlight, pooled: true)));
        }
        scenarios.Add(("ShortRange.DBus → ShortRange.DBus", p, () => Ours(daemon, null, client, OurName, OurPath, OurIface, calls, inFlight)));
        if (python)
        {
            string pyClient = Path.Combine(AppContext.BaseDirectory, "pyclient.py");
            if (floor is not null)
            {
                scenarios.Add(("python3-dbus → C floor", p, () => External(daemon, floorCpu, Peer.Python, [pyClient, daemon.Address, FloorName, FloorPath, FloorIface, Str(pyCalls), Str(inFlight)], pyCalls)));
            }
            scenarios.Add(("python3-dbus → python3-dbus", p, () => External(daemon, pyCpu, Peer.Python, [pyClient, daemon.Address, PyName, PyPath, PyIface, Str(pyCalls), Str(inFlight)], pyCalls)));
            scenarios.Add(("ShortRange.DBus → python3-dbus", p, () => Ours(daemon, pyCpu, client, PyName, PyPath, PyIface, pyCalls, inFlight)));
        }
    }
    if (only is not null)
    {
        scenarios.RemoveAll(s => !Key(s.Name, s.Pipelined).Contains(only, StringComparison.Ordinal));
    }
    for (int round = 0; round < rounds; round++)
    {
        Console.WriteLine($"round {round + 1}/{rounds}");
        for (int i = 0; i < scenarios.Count; i++)
        {
            var s = scenarios[(i + round) % scenarios.Count];
            Sample sample = await s.Run();
            string key = Key(s.Name, s.Pipelined);
            if (!samples.TryGetValue(key, out var list))
            {
                samples[key] = list = new();
            }
            list.Add(sample);
            Console.WriteLine($"  {key,-52} {sample.CallsPerSecond,9:N0} calls/s");
        }
    }
}
finally
{
    Peer.Stop(pyService);
    Peer.Stop(floorService);
}

Console.WriteLine();
Console.WriteLine($"{calls} calls per C/ours sample, {pyCalls} per python sample, {rounds} rounds; load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {Environment.ProcessorCount} CPUs");
// CPU µs per call (medians): the client process, dbus-daemon and the service process. CPU time barely depends on how
// busy the machine is, wall-clock rates do: with two cores, calls/s can never exceed 1e6 / daemon µs (one core for
// the single-threaded daemon) nor 2e6 / (client + daemon + service µs) — the "2-core bound" column.
Console.WriteLine($"{"Scenario",-52} {"median/s",9} {"min–max calls/s",17} {"B/call",7} {"client µs",9} {"daemon µs",9} {"service µs",10} {"2-core bound/s",14}");
Console.WriteLine(new string('-', 133));
foreach (var (key, list) in samples)
{
    double bytes = Median(list.Select(x => x.BytesPerCall));
    double c = Median(list.Select(x => x.ClientMicrosPerCall)), d = Median(list.Select(x => x.DaemonMicrosPerCall)), sv = Median(list.Select(x => x.ServiceMicrosPerCall));
    double bound = Math.Min(1e6 / d, 2e6 / (c + d + (double.IsNaN(sv) ? 0 : sv)));
    Console.WriteLine($"{key,-52} {Median(list.Select(x => x.CallsPerSecond)),9:N0} {$"{list.Min(x => x.CallsPerSecond):N0}–{list.Max(x => x.CallsPerSecond):N0}",17} {(double.IsNaN(bytes) ? "" : bytes.ToString("N0", CultureInfo.InvariantCulture)),7} {c,9:N1} {d,9:N1} {(double.IsNaN(sv) ? "(in client)" : sv.ToString("N1", CultureInfo.InvariantCulture)),10} {bound,14:N0}");
}
Console.WriteLine();
Console.WriteLine("Paired ratios (median over rounds of the per-round ratio):");
foreach (bool p in new[] { false, true })
{
    Ratio("ShortRange.DBus → ShortRange.DBus", "python3-dbus → python3-dbus", p, "each library with its own service");
    Ratio("ShortRange.DBus → C floor", "python3-dbus → C floor", p, "clients alone, same fast service");
    Ratio("C floor → C floor", "python3-dbus → C floor", p, "ceiling: raw C client vs python3-dbus client");
    Ratio("ShortRange.DBus → C floor", "C floor → C floor", p, "ours as a fraction of the raw floor");
    Ratio("ShortRange.DBus pooled → C floor", "python3-dbus → C floor", p, "pooled ValueTask client vs python3-dbus client");
}
Console.WriteLine();
Console.WriteLine("CPU ceiling: how much faster than python3-dbus's client any client could be against the same C service");
Console.WriteLine("(its CPU per call removed entirely; each call's client, daemon and service CPU share 2 cores):");
foreach (bool p in new[] { false, true })
{
    if (samples.TryGetValue(Key("python3-dbus → C floor", p), out var py))
    {
        double c = Median(py.Select(x => x.ClientMicrosPerCall)), d = Median(py.Select(x => x.DaemonMicrosPerCall)), sv = Median(py.Select(x => x.ServiceMicrosPerCall));
        // Sequential calls serialise client, daemon and service, so the time per call is at least their CPU sum;
        // pipelined, the 2 cores bound it the same way (the daemon alone also needs one core: 1e6 / d calls/s).
        Console.WriteLine($"  {(p ? "32 in flight" : "sequential"),-12} (client {c:N0} + daemon {d:N0} + service {sv:N0} µs) / (daemon + service) = {(c + d + sv) / (d + sv):0.0}×");
    }
}
return 0;

void Ratio(string a, string b, bool pipelined, string note)
{
    if (samples.TryGetValue(Key(a, pipelined), out var x) && samples.TryGetValue(Key(b, pipelined), out var y))
    {
        double r = Median(x.Zip(y, (u, v) => u.CallsPerSecond / v.CallsPerSecond));
        Console.WriteLine($"  {(pipelined ? "32 in flight" : "sequential"),-12} {a} / {b}: {r:0.00}×  ({note})");
    }
}

static string Key(string name, bool pipelined) => pipelined ? name + ", 32 in flight" : name;

static string Str(int n) => n.ToString(CultureInfo.InvariantCulture);

static double Median(IEnumerable<double> values)
{
    var v = values.Where(x => !double.IsNaN(x)).Order().ToList();
    return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
}

// External clients warm up with min(1000, n) calls inside the process and report their own CPU for the measured
// calls; the daemon's and the service's CPU are divided over all calls including the warm-up.
static Task<Sample> External(BusDaemon daemon, Func<TimeSpan>? serviceCpu, string program, string[] arguments, int n)
{
    TimeSpan cpu0 = daemon.CpuTime, service0 = serviceCpu?.Invoke() ?? default;
    (double cps, double clientMicros) = Peer.RunClient(program, arguments);
    TimeSpan cpu = daemon.CpuTime - cpu0, service = (serviceCpu?.Invoke() ?? default) - service0;
    int all = n + Math.Min(1000, n);
    return Task.FromResult(new Sample(cps, double.NaN, cpu.TotalMicroseconds / all, clientMicros, serviceCpu is null ? double.NaN : service.TotalMicroseconds / all));
}

// pooled: CallMethodPooledAsync (ValueTask over a pooled source) instead of CallMethodAsync (Task).
static async Task<Sample> Ours(BusDaemon daemon, Func<TimeSpan>? serviceCpu, Connection client, string dest, string path, string iface, int n, int inFlight, bool pooled = false)
{
    // Warm up (JIT, pools), then measure wall time, bytes allocated by the whole process, and the CPU of this
    // process (client, plus our service when it is the callee), of the daemon and of an external service.
    await RunCallsAsync(client, dest, path, iface, Math.Min(2000, n), inFlight, pooled);
    GC.Collect();
    using Process self = Process.GetCurrentProcess();
    TimeSpan cpu0 = daemon.CpuTime, service0 = serviceCpu?.Invoke() ?? default, self0 = self.TotalProcessorTime;
    long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
    var sw = Stopwatch.StartNew();
    await RunCallsAsync(client, dest, path, iface, n, inFlight, pooled);
    sw.Stop();
    long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
    self.Refresh();
    TimeSpan own = self.TotalProcessorTime - self0;
    TimeSpan cpu = daemon.CpuTime - cpu0, service = (serviceCpu?.Invoke() ?? default) - service0;
    return new Sample(n / sw.Elapsed.TotalSeconds, bytes / (double)n, cpu.TotalMicroseconds / n, own.TotalMicroseconds / n,
        serviceCpu is null ? double.NaN : service.TotalMicroseconds / n);
}

static async Task RunCallsAsync(Connection client, string dest, string path, string iface, int n, int inFlight, bool pooled)
{
    int next = 0;
    var workers = new Task[inFlight];
    for (int w = 0; w < inFlight; w++)
    {
        workers[w] = Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= n)
            {
                // Materialises the reply string, as python3-dbus does.
                string reply = pooled
                    ? await client.CallMethodPooledAsync(Echo(dest, path, iface), static (m, _) => m.GetBodyReader().ReadString())
                    : await client.CallMethodAsync(Echo(dest, path, iface), static (m, _) => m.GetBodyReader().ReadString());
                if (reply != "ping")
                {
                    throw new InvalidOperationException("bad reply");
                }
            }
        });
    }
    await Task.WhenAll(workers);
}

static MessageBuffer Echo(string dest, string path, string iface)
{
    var w = new MessageWriter();
    try
    {
        w.WriteMethodCallHeader(dest, path, iface, "Echo", "s");
        w.WriteString("ping");
        return w.CreateMessage();
    }
    finally
    {
        w.Dispose();
    }
}

internal readonly record struct Sample(double CallsPerSecond, double BytesPerCall, double DaemonMicrosPerCall, double ClientMicrosPerCall, double ServiceMicrosPerCall);
