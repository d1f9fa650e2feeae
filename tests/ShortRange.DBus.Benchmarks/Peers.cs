using System.Diagnostics;
using System.Globalization;

namespace ShortRange.DBus.Benchmarks;

/// <summary>A private dbus-daemon (session-type config, everything allowed) for the run; killed on dispose.</summary>
internal sealed class BusDaemon : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private BusDaemon(Process process, string dir, string address)
    {
        _process = process;
        _dir = dir;
        Address = address;
    }

    public string Address { get; }

    public string Directory => _dir;

    public static async Task<BusDaemon?> StartAsync()
    {
        string? daemonPath = new[] { "/usr/bin/dbus-daemon", "/bin/dbus-daemon" }.FirstOrDefault(File.Exists);
        if (daemonPath is null)
        {
            return null;
        }
        string dir = System.IO.Directory.CreateTempSubdirectory("shortrange-dbus-bench-").FullName;
        string config = Path.Combine(dir, "bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={Path.Combine(dir, "bus")}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default"><allow send_destination="*"/><allow eavesdrop="true"/><allow own="*"/></policy>
            </busconfig>
            """);
        var process = Process.Start(new ProcessStartInfo(daemonPath, [$"--config-file={config}", "--print-address", "--nofork"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string address = (await process.StandardOutput.ReadLineAsync())!.Trim();
        return new BusDaemon(process, dir, address);
    }

    /// <summary>CPU time (user + system) the daemon has used so far, from /proc/PID/stat.</summary>
    public TimeSpan CpuTime => ProcessCpu.Of(_process.Id);

    public void Dispose()
    {
        Peer.Stop(_process);
        System.IO.Directory.Delete(_dir, recursive: true);
    }
}

internal static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Of(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double ticks = double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}

/// <summary>External clients and services: the raw C floor peer (dbusfloor.c) and python3-dbus.</summary>
internal static class Peer
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Compiles floor/dbusfloor.c with gcc -O2 into <paramref name="dir"/>; null when gcc is missing or fails.</summary>
    public static string? BuildFloor(string dir)
    {
        string? gcc = new[] { "/usr/bin/gcc", "/usr/bin/cc" }.FirstOrDefault(File.Exists);
        if (gcc is null)
        {
            return null;
        }
        string output = Path.Combine(dir, "dbusfloor");
        var (code, text) = Run(gcc, ["-O2", "-o", output, Path.Combine(AppContext.BaseDirectory, "dbusfloor.c")]);
        if (code != 0)
        {
            Console.Error.WriteLine("gcc failed: " + text);
            return null;
        }
        return output;
    }

    public static bool HasPythonDBus() => File.Exists(Python) && Run(Python, ["-c", "import dbus; from gi.repository import GLib"]).ExitCode == 0;

    /// <summary>Starts a service process that prints "ready" once its name is owned.</summary>
    public static async Task<Process> StartServiceAsync(string program, string[] arguments)
    {
        var p = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string? line = await p.StandardOutput.ReadLineAsync();
        if (line?.Trim() != "ready")
        {
            Stop(p);
            throw new InvalidOperationException($"{program} did not start: {line} {await p.StandardError.ReadToEndAsync()}");
        }
        return p;
    }

    /// <summary>Runs a client process whose last line is "calls/s cpu-µs-per-call".</summary>
    public static (double CallsPerSecond, double CpuMicrosPerCall) RunClient(string program, string[] arguments)
    {
        var (code, output) = Run(program, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} client failed: {output}");
        }
        string[] f = output.Trim().Split('\n')[^1].Split(' ');
        return (double.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture));
    }

    public static void Stop(Process? p)
    {
        if (p is { HasExited: false })
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        p?.Dispose();
    }

    private static (int ExitCode, string Output) Run(string program, string[] arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(600_000))
        {
            p.Kill(entireProcessTree: true);
        }
        return (p.ExitCode, output + stderr.Result);
    }
}
