using System.Diagnostics;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// Runs lab tools (btmgmt, iwpan, ip, wpan-hwsim, modprobe …) with a timeout and captures their output. A process
/// that outlives its timeout is killed with its children and reported as <see cref="TimeoutException"/>, so a
/// misbehaving tool fails the test instead of hanging the lab.
/// </summary>
public static class LabProcess
{
    /// <summary>Default time a tool may take (generous: the lab runs under TCG emulation).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> (no shell) and returns what it did.</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        string command = string.Join(' ', psi.ArgumentList.Prepend(fileName));

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start '{command}'.");
        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? DefaultTimeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5_000);
            throw new TimeoutException($"'{command}' did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s.");
        }
        // A daemon started by the command may keep the pipes open: do not wait for it.
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(5));
        return new ProcessResult(command, p.ExitCode,
            stdout.IsCompletedSuccessfully ? stdout.Result : "",
            stderr.IsCompletedSuccessfully ? stderr.Result : "");
    }

    /// <summary>Runs <paramref name="fileName"/> with the given arguments.</summary>
    public static ProcessResult Run(string fileName, params string[] arguments) => Run(fileName, arguments, null);

    /// <summary>Runs a <c>/bin/sh -c</c> command line.</summary>
    public static ProcessResult Shell(string commandLine, TimeSpan? timeout = null) =>
        Run("/bin/sh", ["-c", commandLine], timeout);

    /// <summary>Starts a long-lived program in its own session with output discarded; returns its pid.</summary>
    public static int StartDetached(string fileName, params string[] arguments)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        p.StandardInput.Close();
        // Drain and discard so the child never blocks on a full pipe.
        p.OutputDataReceived += static (_, _) => { };
        p.ErrorDataReceived += static (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p.Id;
    }

    /// <summary>Full path of a program on PATH, or null.</summary>
    public static string? FindTool(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (string dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout) return false;
            Thread.Sleep(50);
        }
        return true;
    }
}
