using System.Globalization;

namespace ShortRange.Robustness.Tests.Resources;

/// <summary>
/// Measures what a long-running gateway would leak: open file descriptors (/proc/self/fd, runtime-loaded assembly/symbol files excluded), the managed heap after a
/// full collection, and the resident set size. Take a baseline after a warm-up (the runtime opens its epoll/eventfd
/// pair and fills caches on first use), run the cycles, then compare.
/// </summary>
internal readonly record struct ResourceProbe(int Fds, long ManagedBytes, long RssBytes)
{
    /// <summary>Cycles per resource test: <c>SHORTRANGE_CYCLES</c> (default 1000, as issue 9 asks).</summary>
    public static readonly int Cycles =
        int.TryParse(Environment.GetEnvironmentVariable("SHORTRANGE_CYCLES"), CultureInfo.InvariantCulture, out int c) && c > 0 ? c : 1000;

    public static ResourceProbe Take()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return new ResourceProbe(FdTargets().Count(kv => !IsRuntimeFile(kv.Value)), GC.GetTotalMemory(forceFullCollection: true), Rss());
    }

    /// <summary>
    /// Assemblies, symbol files and native libraries the runtime opens lazily and keeps open (e.g. System.Diagnostics.StackTrace.dll
    /// and our .pdb the first time an exception's stack trace is rendered with line numbers). They are one-time, not leaks, so
    /// they are not counted; sockets, anon inodes (eventfd/epoll), pipes and devices are.
    /// </summary>
    private static bool IsRuntimeFile(string target) =>
        target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal)
        || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal);

    private static Dictionary<string, string> FdTargets()
    {
        var map = new Dictionary<string, string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try { map[Path.GetFileName(fd)] = new FileInfo(fd).LinkTarget ?? "?"; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return map;
    }

    /// <summary>What the fds opened since <paramref name="before"/> point at, grouped ("3× socket, 1× anon_inode:[eventfd]").</summary>
    private static string NewFds(Dictionary<string, string> before) =>
        string.Join(", ", FdTargets().Where(kv => !IsRuntimeFile(kv.Value)).Where(kv => !before.TryGetValue(kv.Key, out var t) || t != kv.Value)
            .GroupBy(kv => kv.Value.StartsWith("socket:", StringComparison.Ordinal) ? "socket" : kv.Value)
            .Select(g => $"{g.Count()}× {g.Key}"));

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="cycle"/> <see cref="Cycles"/> times after <paramref name="warmup"/> cycles and asserts the fd count
    /// is unchanged (±<paramref name="fdSlack"/>: other tests of the process may open/close concurrently) and the managed heap
    /// grew by less than <paramref name="managedSlack"/> bytes. RSS is reported, and bounded loosely (allocator arenas).
    /// </summary>
    public static async Task AssertFlatAsync(string what, Func<int, Task> cycle, int warmup = 20, int fdSlack = 2, long managedSlack = 2 << 20,
        TimeSpan settle = default, int parallelism = 1)
    {
        for (int i = 0; i < warmup; i++) await cycle(i);
        await Task.Delay(settle);
        var before = Take();
        var targets = FdTargets();
        var started = System.Diagnostics.Stopwatch.StartNew();
        // Closing an AF_PACKET socket or a TUN netdev waits for an RCU grace period (~25 ms here): run such cycles
        // a few at a time so 1000 of them fit the CI budget. Each cycle still opens and closes its own resource.
        if (parallelism <= 1)
            for (int i = 0; i < Cycles; i++) await cycle(i);
        else
            await Parallel.ForEachAsync(Enumerable.Range(0, Cycles), new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                async (i, _) => await cycle(i));
        var elapsed = started.Elapsed;
        await Task.Delay(settle);
        var after = Take();
        // A disposed Socket with a pending async operation closes its fd once that operation unwinds on the epoll
        // thread: give such closes a bounded moment to land before judging.
        for (int i = 0; i < 20 && after.Fds - before.Fds > fdSlack; i++)
        {
            await Task.Delay(250);
            after = Take();
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{what}: {Cycles} cycles ({parallelism} at a time) in {elapsed.TotalSeconds:F1} s ({Cycles / elapsed.TotalSeconds:F0}/s); fds {before.Fds} → {after.Fds}; " +
            $"managed {before.ManagedBytes / 1024} → {after.ManagedBytes / 1024} KiB; RSS {before.RssBytes >> 20} → {after.RssBytes >> 20} MiB");
        Assert.True(after.Fds - before.Fds <= fdSlack, $"{what}: fd count {before.Fds} → {after.Fds} after {Cycles} cycles; new: {NewFds(targets)}");
        Assert.True(after.ManagedBytes - before.ManagedBytes < managedSlack,
            $"{what}: managed heap grew {(after.ManagedBytes - before.ManagedBytes) / 1024} KiB after {Cycles} cycles");
        Assert.True(after.RssBytes - before.RssBytes < 64L << 20, $"{what}: RSS grew {(after.RssBytes - before.RssBytes) >> 20} MiB after {Cycles} cycles");
    }
}
