using System.Collections.Concurrent;
using System.Diagnostics;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>
/// Runs the `shortrange` tool (samples/ShortRange.Tool) as a separate process, as a user would. The hwtests project
/// references the tool, so its build puts shortrange.dll beside the test assembly: found from there wherever the clone
/// is (the lab copies the whole output into the guest). SHORTRANGE_TOOL_DLL overrides (for example a published build).
/// </summary>
internal static class ShortRangeTool
{
    /// <summary>dotnet start-up plus the command under TCG emulation is slow; waits are generous and bounded.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string Dll()
    {
        if (Environment.GetEnvironmentVariable("SHORTRANGE_TOOL_DLL") is { Length: > 0 } env)
        {
            LabRequire.That(File.Exists(env), $"SHORTRANGE_TOOL_DLL names no file: {env}");
            return env;
        }
        string dll = Path.Combine(AppContext.BaseDirectory, "shortrange.dll");
        LabRequire.That(File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")),
            $"The shortrange tool is not beside the test assembly ({dll} and its runtimeconfig.json); build hwtests/ShortRange.HwTests, which references it.");
        return dll;
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

        /// <summary>Writes <paramref name="text"/> to the tool's stdin (flushed).</summary>
        public void WriteInput(string text)
        {
            _process.StandardInput.Write(text);
            _process.StandardInput.Flush();
        }

        /// <summary>End of input (Ctrl+D).</summary>
        public void CloseInput() => _process.StandardInput.Close();

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
