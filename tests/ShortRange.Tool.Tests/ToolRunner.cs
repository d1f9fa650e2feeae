using Microsoft.Extensions.DependencyInjection;
using ShortRange.Tool;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

/// <summary>Runs the command tree in-process with captured stdout/stderr.</summary>
internal static class ToolRunner
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Task<Result> RunAsync(string[] args, Action<IServiceCollection>? services = null) =>
        RunCancellableAsync(args, services, TestContext.Current.CancellationToken);

    public static async Task<Result> RunCancellableAsync(string[] args, Action<IServiceCollection>? services, CancellationToken ct)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = await ToolApp.RunAsync(args, new ToolConsole(stdout, stderr, isInteractive: false), services, ct);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
