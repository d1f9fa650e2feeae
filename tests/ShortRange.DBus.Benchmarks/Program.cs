using System.Diagnostics;
using System.Globalization;
using ShortRange.DBus;

// Method-call round trips per second over a private dbus-daemon: ShortRange.DBus vs python3-dbus, same run.
// Usage: dotnet run -c Release --project tests/ShortRange.DBus.Benchmarks [-- calls]
int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20000;
const string Python = "/usr/bin/python3";
const string Iface = "org.shortrange.Bench";
const string Path = "/org/shortrange/Bench";

string? daemonPath = new[] { "/usr/bin/dbus-daemon", "/bin/dbus-daemon" }.FirstOrDefault(File.Exists);
if (daemonPath is null)
{
    Console.Error.WriteLine("dbus-daemon not found (apt-get install dbus)");
    return 2;
}
string dir = Directory.CreateTempSubdirectory("shortrange-dbus-bench-").FullName;
string config = System.IO.Path.Combine(dir, "bus.conf");
File.WriteAllText(config, $"""
    <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
     "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
    <busconfig>
      <type>session</type>
      <listen>unix:path={System.IO.Path.Combine(dir, "bus")}</listen>
      <auth>EXTERNAL</auth>
      <policy context="default"><allow send_destination="*"/><allow eavesdrop="true"/><allow own="*"/></policy>
    </busconfig>
    """);
using var daemon = Process.Start(new ProcessStartInfo(daemonPath, [$"--config-file={config}", "--print-address", "--nofork"])
{
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
var rows = new List<(string Scenario, double CallsPerSecond, string BytesPerCall)>();
Process? pyService = null;
try
{
    string address = (await daemon.StandardOutput.ReadLineAsync())!.Trim();

    await using var server = new Connection(address);
    await server.ConnectAsync();
    using IDisposable export = server.Export(Path, new EchoInterface());
    await server.RequestNameAsync("org.shortrange.BenchServer");

    await using var client = new Connection(address);
    await client.ConnectAsync();

    // Rounds alternate between the scenarios so machine load affects them alike; the table reports medians.
    bool python = File.Exists(Python) && RunPython(["-c", "import dbus"]).ExitCode == 0;
    if (python)
    {
        pyService = Process.Start(new ProcessStartInfo(Python, [System.IO.Path.Combine(AppContext.BaseDirectory, "service.py"), address, "org.shortrange.PyBench"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await pyService.StandardOutput.ReadLineAsync();
        while (!await client.NameHasOwnerAsync("org.shortrange.PyBench"))
        {
            await Task.Delay(20);
        }
    }
    else
    {
        Console.Error.WriteLine("python3-dbus unavailable: python rows skipped (apt-get install python3-dbus)");
    }
    var samples = new Dictionary<string, List<(double Cps, double Bytes)>>();
    void Add(string name, double cps, double bytes)
    {
        if (!samples.TryGetValue(name, out var list))
        {
            samples[name] = list = new();
        }
        list.Add((cps, bytes));
        Console.WriteLine($"  {name}: {cps:N0} calls/s");
    }
    const int Rounds = 3;
    for (int round = 0; round < Rounds; round++)
    {
        var r1 = await MeasureOursAsync(client, "org.shortrange.BenchServer", Path, Iface, calls);
        Add("ShortRange.DBus client → ShortRange.DBus service", r1.Cps, r1.Bytes);
        if (python)
        {
            Add("python3-dbus client → python3-dbus service", PyClient(address, "org.shortrange.PyBench", "/org/shortrange/Py", "org.shortrange.Py", calls / 4), double.NaN);
            var r2 = await MeasureOursAsync(client, "org.shortrange.PyBench", "/org/shortrange/Py", "org.shortrange.Py", calls / 4);
            Add("ShortRange.DBus client → python3-dbus service", r2.Cps, r2.Bytes);
            Add("python3-dbus client → ShortRange.DBus service", PyClient(address, "org.shortrange.BenchServer", Path, Iface, calls / 4), double.NaN);
        }
        if (python)
        {
            Add("python3-dbus → python3-dbus, 32 in flight", PyClient(address, "org.shortrange.PyBench", "/org/shortrange/Py", "org.shortrange.Py", calls / 4, 32), double.NaN);
        }
        var r3 = await MeasureOursAsync(client, "org.shortrange.BenchServer", Path, Iface, calls, concurrency: 32);
        Add("ShortRange.DBus → ShortRange.DBus, 32 in flight", r3.Cps, r3.Bytes);
    }
    foreach (var (name, list) in samples)
    {
        var cps = list.Select(x => x.Cps).Order().ToList();
        var bytes = list.Select(x => x.Bytes).Order().ToList();
        rows.Add((name, cps[cps.Count / 2], double.IsNaN(bytes[0]) ? "n/a" : bytes[bytes.Count / 2].ToString("N0", CultureInfo.InvariantCulture)));
    }
}
finally
{
    if (pyService is { HasExited: false })
    {
        pyService.Kill(entireProcessTree: true);
        pyService.WaitForExit();
    }
    if (!daemon.HasExited)
    {
        daemon.Kill(entireProcessTree: true);
        daemon.WaitForExit();
    }
    Directory.Delete(dir, recursive: true);
}

Console.WriteLine();
Console.WriteLine($"{"Scenario",-52} {"calls/s",12} {"bytes/call",12}");
Console.WriteLine(new string('-', 78));
foreach (var (scenario, cps, bytes) in rows)
{
    Console.WriteLine($"{scenario,-52} {cps,12:N0} {bytes,12}");
}
double ours = rows[0].CallsPerSecond;
var pyRow = rows.FirstOrDefault(r => r.Scenario.StartsWith("python3-dbus client → python3-dbus", StringComparison.Ordinal));
var pipelined = rows.FirstOrDefault(r => r.Scenario.StartsWith("ShortRange.DBus → ShortRange.DBus, 32", StringComparison.Ordinal));
var pyPipelined = rows.FirstOrDefault(r => r.Scenario.StartsWith("python3-dbus → python3-dbus, 32", StringComparison.Ordinal));
if (pyRow.Scenario is not null)
{
    Console.WriteLine();
    Console.WriteLine($"Ratio, sequential (ours→ours vs python→python): {ours / pyRow.CallsPerSecond:0.0}×");
    Console.WriteLine($"Ratio, 32 in flight (ours→ours vs python→python): {pipelined.CallsPerSecond / pyPipelined.CallsPerSecond:0.0}×");
    Console.WriteLine($"Ratio, ours 32 in flight vs python→python sequential: {pipelined.CallsPerSecond / pyRow.CallsPerSecond:0.0}×");
}
return 0;

static async Task<(double Cps, double Bytes)> MeasureOursAsync(Connection client, string dest, string path, string iface, int n, int concurrency = 1)
{
    // Warm up (JIT, pools), then measure wall time and bytes allocated by the whole process.
    await RunCallsAsync(client, dest, path, iface, Math.Min(2000, n), concurrency);
    GC.Collect();
    long bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
    var sw = Stopwatch.StartNew();
    await RunCallsAsync(client, dest, path, iface, n, concurrency);
    sw.Stop();
    long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
    return (n / sw.Elapsed.TotalSeconds, bytes / (double)n);
}

static async Task RunCallsAsync(Connection client, string dest, string path, string iface, int n, int concurrency)
{
    int next = 0;
    var workers = new Task[concurrency];
    for (int w = 0; w < concurrency; w++)
    {
        workers[w] = Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= n)
            {
                string reply = await client.CallMethodAsync(Echo(dest, path, iface), static (m, _) => m.GetBodyReader().ReadString() == "ping" ? "ping" : throw new InvalidOperationException("bad reply"));
                _ = reply;
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

static double PyClient(string address, string dest, string path, string iface, int n, int inFlight = 1)
{
    var (code, output) = RunPython([System.IO.Path.Combine(AppContext.BaseDirectory, "pyclient.py"), address, dest, path, iface,
        n.ToString(CultureInfo.InvariantCulture), inFlight.ToString(CultureInfo.InvariantCulture)]);
    return code == 0 ? double.Parse(output.Trim(), CultureInfo.InvariantCulture) : throw new InvalidOperationException("python client failed: " + output);
}

static (int ExitCode, string Output) RunPython(string[] arguments)
{
    using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
    if (!p.WaitForExit(600_000))
    {
        p.Kill(entireProcessTree: true);
    }
    return (p.ExitCode, output);
}

/// <summary>Echo(s) → s, the benchmark's method.</summary>
internal sealed class EchoInterface : DBusInterface
{
    public override string Name => "org.shortrange.Bench";

    public override ValueTask HandleMethodAsync(MethodContext context)
    {
        if (context.Request.Member.SequenceEqual("Echo"u8))
        {
            Reader reader = context.Request.GetBodyReader();
            ReadOnlySpan<byte> text = reader.ReadStringAsSpan();
            MessageWriter w = context.CreateReplyWriter("s");
            try
            {
                w.WriteString(text);
                context.Reply(w.CreateMessage());
            }
            finally
            {
                w.Dispose();
            }
        }
        return default;
    }
}
