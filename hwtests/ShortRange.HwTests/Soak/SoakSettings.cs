using System.Diagnostics;
using System.Globalization;

namespace ShortRange.HwTests.Soak;

/// <summary>
/// Knobs of the soaks. Every lab run does the quick soak: <see cref="QuickCycles"/> cycles
/// (<c>SHORTRANGE_QUICK_SOAK_CYCLES</c>, default 50). The long session (hwtests/soak) sets <c>SHORTRANGE_SOAK=1</c>, which
/// enables the long soaks (they skip otherwise, so normal lab runs stay short), <c>SHORTRANGE_SOAK_CYCLES</c> (default 10,000)
/// and <c>SHORTRANGE_SOAK_MINUTES</c> (default 35: 10,000 LLCP cycles take ~29 minutes under TCG). A soak passes only when
/// every configured cycle completed without a failure; the budget only bounds a stuck run, and running out of it fails.
/// </summary>
internal static class SoakSettings
{
    public const string SkipReason = "soak: run hwtests/soak";

    public static bool Enabled => Environment.GetEnvironmentVariable("SHORTRANGE_SOAK") == "1";
    public static int Cycles => Int("SHORTRANGE_SOAK_CYCLES", 10_000);

    /// <summary>Cycles of the quick soak every lab run does (<c>SHORTRANGE_QUICK_SOAK_CYCLES</c>, default 50).</summary>
    public static int QuickCycles => Int("SHORTRANGE_QUICK_SOAK_CYCLES", 50);

    /// <summary>Open/close cycles per socket type in the soak: <c>SHORTRANGE_SOAK_SOCKET_CYCLES</c> (default 10,000).</summary>
    public static int SocketCycles => Int("SHORTRANGE_SOAK_SOCKET_CYCLES", 10_000);
    public static TimeSpan Budget => TimeSpan.FromMinutes(Int("SHORTRANGE_SOAK_MINUTES", 35));

    private static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int v) && v > 0 ? v : fallback;

    /// <summary>
    /// Open fds of this process, without the assemblies, symbol files and native libraries the runtime opens lazily and keeps
    /// (e.g. System.Diagnostics.StackTrace.dll and our .pdb the first time a stack trace is rendered): one-time, not leaks.
    /// </summary>
    public static int Fds() => FdTargets().Count(kv => !IsRuntimeFile(kv.Value));

    private static bool IsRuntimeFile(string target) =>
        target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal)
        || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal);

    /// <summary>What each open fd points at ("socket:[123]", "anon_inode:[eventfd]", a file path).</summary>
    public static Dictionary<string, string> FdTargets()
    {
        var map = new Dictionary<string, string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try { map[Path.GetFileName(fd)] = new FileInfo(fd).LinkTarget ?? "?"; }
            catch (IOException) { } // closed meanwhile
            catch (UnauthorizedAccessException) { }
        }
        return map;
    }

    /// <summary>The targets of fds open now that were not open in <paramref name="before"/> (for a failure message).</summary>
    public static string NewFds(Dictionary<string, string> before) =>
        string.Join(", ", FdTargets().Where(kv => !IsRuntimeFile(kv.Value)).Where(kv => !before.TryGetValue(kv.Key, out var t) || t != kv.Value)
            .GroupBy(kv => kv.Value.StartsWith("socket:", StringComparison.Ordinal) ? "socket" : kv.Value)
            .Select(g => $"{g.Count()}× {g.Key}"));

    /// <summary>
    /// The fd count once closes in flight have landed: a runtime Socket disposed while an async receive is pending closes
    /// its fd only when that receive has unwound on the epoll thread, which under TCG can take a while. Polls (after a
    /// full GC) until the count is back within <paramref name="slack"/> of <paramref name="baseline"/>, at most 15 s.
    /// </summary>
    public static int SettledFds(int baseline, int slack = 2)
    {
        var deadline = Stopwatch.StartNew();
        int fds;
        while (true)
        {
            ManagedBytes();
            fds = Fds();
            if (fds - baseline <= slack || deadline.Elapsed > TimeSpan.FromSeconds(15)) return fds;
            Thread.Sleep(250);
        }
    }

    /// <summary>Managed heap after a full, compacting collection.</summary>
    public static long ManagedBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Writes one figure line (prefixed "SOAK") to the test output; hwtests/soak collects these lines.</summary>
    public static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine("SOAK " + line);
}

/// <summary>Per-cycle latencies and the resource baseline of one soak run.</summary>
internal sealed class SoakRecorder(string name)
{
    private readonly List<double> _ms = [];
    private readonly Stopwatch _total = new();
    private int _fds0;
    private long _managed0;
    private Dictionary<string, string> _targets0 = [];

    public int Completed => _ms.Count;

    /// <summary>Call after the warm-up cycles: the runtime's own fds and caches are in place by then.</summary>
    public void Baseline()
    {
        _managed0 = SoakSettings.ManagedBytes();
        _fds0 = SoakSettings.Fds();
        _targets0 = SoakSettings.FdTargets();
        _total.Start();
    }

    public void Add(TimeSpan cycle) => _ms.Add(cycle.TotalMilliseconds);

    public bool OutOfTime => _total.Elapsed > SoakSettings.Budget;

    /// <summary>Reports the figures and asserts every one of <paramref name="target"/> cycles completed and fds and managed memory are flat.</summary>
    public void Finish(int target)
    {
        _total.Stop();
        int fds = SoakSettings.SettledFds(_fds0);
        long managed = SoakSettings.ManagedBytes();
        _ms.Sort();
        double P(double q) => _ms.Count == 0 ? 0 : _ms[Math.Min(_ms.Count - 1, (int)(q * _ms.Count))];
        var ci = CultureInfo.InvariantCulture;
        string budget = Completed < target
            ? string.Create(ci, $"; stopped by the {SoakSettings.Budget.TotalMinutes:F0}-minute budget (SHORTRANGE_SOAK_MINUTES)")
            : "";
        SoakSettings.Report(string.Create(ci,
            $"{name}: {Completed}/{target} cycles, 0 failures, {_total.Elapsed.TotalSeconds:F0} s, {Completed / _total.Elapsed.TotalSeconds:F1} cycles/s; cycle p50 {P(0.5):F1} ms p99 {P(0.99):F1} ms max {P(1):F1} ms; fds {_fds0} → {fds}; managed {_managed0 / 1024} → {managed / 1024} KiB{budget}"));
        // A cycle that fails throws and fails the test, so reaching here with Completed == target means target of target, 0 failures.
        Assert.True(Completed == target, $"{name}: {Completed} of {target} cycles completed{budget}");
        Assert.True(fds - _fds0 <= 2, $"{name}: fds {_fds0} → {fds}; new: {SoakSettings.NewFds(_targets0)}");
        Assert.True(managed - _managed0 < 4 << 20, $"{name}: managed heap grew {(managed - _managed0) / 1024} KiB");
    }
}
