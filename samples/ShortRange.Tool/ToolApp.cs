using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.Tool.Commands;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool;

/// <summary>Builds the command tree and runs it. Tests call <see cref="RunAsync(IReadOnlyList{string}, ToolConsole, Action{IServiceCollection}?, CancellationToken)"/> in-process.</summary>
public static class ToolApp
{
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Show library logs and full exception details",
        Recursive = true,
    };

    /// <summary>How long a command may take to stop its radio work after Ctrl+C / SIGTERM before the tool exits anyway.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        using var signals = TerminationSignals.Register(StopGrace);
        return await RunAsync(args, ToolConsole.System(), null, signals).ConfigureAwait(false);
    }

    public static Task<int> RunAsync(IReadOnlyList<string> args, ToolConsole console, Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, console, configureServices, cancellationToken, signals: null);

    /// <summary>Runs with <paramref name="signals"/> standing for Ctrl+C / SIGTERM (the process's own, or raised by a test).</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, ToolConsole console, Action<IServiceCollection>? configureServices,
        TerminationSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        return RunAsync(args, console, configureServices, signals.Token, signals);
    }

    private static async Task<int> RunAsync(IReadOnlyList<string> args, ToolConsole console, Action<IServiceCollection>? configureServices,
        CancellationToken cancellationToken, TerminationSignals? signals)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        await using var context = new ToolContext(console, args, configureServices);
        var root = BuildCommand(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // "Unrecognized command or argument 'x'" says more than the "Required command was not provided" it causes.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            // Some parser messages span lines ("Must be one of:" + one value per line); an error is one line.
            string message = string.Join(' ', error.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            console.Error.WriteLine($"{message} (see: {CommandPath(parse.CommandResult)} --help)");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // Signals are ours (TerminationSignals): System.CommandLine's handling can end the run before the command has.
            ProcessTerminationTimeout = null,
        };
        var run = parse.InvokeAsync(invocation, cancellationToken);
        if (signals is null) return await run.ConfigureAwait(false);
        // Ctrl+C cancels the command's token; it then stops its radio work and returns (130 unless it treats that as its end).
        return await (await Task.WhenAny(run, signals.Forced).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public static RootCommand BuildCommand(ToolContext context)
    {
        var root = new RootCommand("shortrange: Bluetooth, IEEE 802.15.4/6LoWPAN and NFC from the terminal, over the Linux kernel's own stacks.")
        {
            VerboseOption,
            AdaptersCommand.Create(context),
            ScanCommand.Create(context),
            BluetoothCommands.Create(context),
            LowPanCommands.Create(context),
            NfcCommands.Create(context),
            NdefCommands.Create(context),
            LabCommand.Create(context),
        };
        return root;
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? "shortrange" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
