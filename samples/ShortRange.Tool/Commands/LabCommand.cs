using System.CommandLine;
using System.Diagnostics;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

/// <summary>
/// <c>lab -- COMMAND…</c>: runs this same tool inside the virtual radio lab: <c>hwtests/lab/run -- &lt;this tool&gt; COMMAND…</c>.
/// </summary>
public static class LabCommand
{
    public const string LabScript = "hwtests/lab/run";

    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rest = new Argument<string[]>("COMMAND") { Description = "A shortrange command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var command = new Command("lab", "Run a shortrange command inside the virtual radio lab (qemu: hci0/hci1, wpan0/wpan1, nfc0/nfc1)") { rest };
        context.SetAction(command, async (parse, ct) =>
        {
            string root = FindRepositoryRoot(Environment.CurrentDirectory) ?? FindRepositoryRoot(AppContext.BaseDirectory)
                ?? throw new FailureException($"the lab needs the ShortRange source tree ({LabScript}); run this from inside a clone");
            var psi = new ProcessStartInfo(Path.Combine(root, LabScript)) { UseShellExecute = false };
            psi.ArgumentList.Add("--");
            foreach (var a in ToolInvocation()) psi.ArgumentList.Add(a);
            foreach (var a in parse.GetValue(rest)!) psi.ArgumentList.Add(a);
            // stdout/stderr are inherited: the lab's progress and the command's output appear as they happen.
            using var process = Process.Start(psi) ?? throw new FailureException($"could not start {psi.FileName}");
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C reaches the whole foreground process group; give the lab script time to stop its VM.
                if (!process.WaitForExit(TimeSpan.FromSeconds(20))) process.Kill(entireProcessTree: true);
                throw;
            }
            return process.ExitCode;
        });
        return command;
    }

    /// <summary>The directory above <paramref name="start"/> that holds hwtests/lab/run, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, LabScript))) return dir.FullName;
        return null;
    }

    /// <summary>How to run this very build again inside the guest (which sees the host's files at the same paths).</summary>
    public static IReadOnlyList<string> ToolInvocation()
    {
        // JIT build: dotnet + shortrange.dll; NativeAOT build: the native binary itself (no dll next to it).
        string dll = Path.Combine(AppContext.BaseDirectory, "shortrange.dll");
        return File.Exists(dll) ? ["dotnet", dll] : [Environment.ProcessPath ?? "shortrange"];
    }
}
