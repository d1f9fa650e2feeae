using System.Collections.Concurrent;
using System.Diagnostics;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>
/// Runs the built `shortrange` tool (samples/ShortRange.Tool, Release) as a separate process, as a user would.
/// The lab runs tests in the directory `hwtests/lab/run` was called from ($PWD), so the tool is found from there;
/// SHORTRANGE_TOOL_DLL overrides. Skips (with the build command) when the tool has not been built.
/// </summary>
internal static class ShortRangeTool
{
    /// <summary>dotnet start-up plus the command under TCG emulation is slow; waits are generous and bounded.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string Dll()
    {
        if (Environment.GetEnvironmentVariable("SHORTRANGE_TOOL_DLL") is { Length: > 0 } env) return env;
        // The xunit runner moves the current directory to the test assembly; the shell's PWD still names where the lab ran.
        foreach (var start in new[] { Environment.GetEnvironmentVariable("PWD"), Environment.CurrentDirectory })
        for (var dir = start is { Length: > 0 } ? new DirectoryInfo(start) : null; dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "hwtests", "lab", "run"))) continue;
            string dll = Path.Combine(dir.FullName, "samples", "ShortRange.Tool", "bin", "Release", "net10.0", "shortrange.dll");
            Assert.SkipUnless(File.Exists(dll), $"The shortrange tool is not built: run 'dotnet build -c Release samples/ShortRange.Tool' ({dll}).");
            return dll;
        }
        Assert.Skip("Not run from a ShortRange checkout (no hwtests/lab/run above the working directory); set SHORTRANGE_TOOL_DLL.");
        return "";
    }

    public static ProcessResult Run(params string[] args) => LabProcess.Run("dotnet", [Dll(), .. args], Timeout);

    public static Running Start(params string[] args) => new(Dll(), args);

    /// <summary>A tool process whose output lines are collected as they arrive.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _out = new(), _err = new();

        public Running(string dll, string[] args)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            };
            psi.ArgumentList.Add(dll);
            foreach (var a in args) psi.ArgumentList.Add(a);
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _out.Enqueue(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _err.Enqueue(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public IReadOnlyList<string> Out => [.. _out];
        public IReadOnlyList<string> Error => [.. _err];

        /// <summary>Waits until stderr has a line containing <paramref name="text"/> (the tool's "listening…"/"capturing…").</summary>
        public void WaitForError(string text)
        {
            bool seen = LabProcess.WaitUntil(() => _err.Any(l => l.Contains(text, StringComparison.Ordinal)) || _process.HasExited, Timeout);
            Assert.True(seen && !_process.HasExited,
                $"tool did not report '{text}' (exited: {_process.HasExited}); stderr: {string.Join(" | ", _err)}; stdout: {string.Join(" | ", _out)}");
        }

        public bool WaitForOut(Func<string, bool> line, TimeSpan timeout) => LabProcess.WaitUntil(() => _out.Any(line), timeout);

        /// <summary>Ctrl+C: SIGINT to the tool, as a terminal would send it.</summary>
        public void Interrupt() => LabProcess.Run("kill", "-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnsureSuccess();

        public int WaitForExit()
        {
            if (!_process.WaitForExit(Timeout)) throw new TimeoutException($"tool did not exit; stderr: {string.Join(" | ", _err)}");
            _process.WaitForExit(); // drains the asynchronous readers
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
