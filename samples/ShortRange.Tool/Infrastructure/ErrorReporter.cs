using ShortRange.Errors;
using ShortRange.Linux.Sockets;

namespace ShortRange.Tool.Infrastructure;

/// <summary>
/// Turns an exception into an exit code and one line for stderr (the full exception with --verbose).
/// Only presentation: the messages come from the libraries' typed exceptions.
/// </summary>
public static class ErrorReporter
{
    public static int Report(Exception error, ToolConsole console, bool verbose, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(args);
        var (code, line) = Describe(error, args);
        console.Error.WriteLine(line);
        if (verbose) console.Error.WriteLine(error.ToString());
        return code;
    }

    public static (int Code, string Line) Describe(Exception error, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is AggregateException { InnerExceptions.Count: 1 } agg) error = agg.InnerException!;
        return error switch
        {
            UsageException u => (ExitCodes.Usage, u.Message + " (see: shortrange --help)"),
            FailureException f => (ExitCodes.Failure, Sentence(f.Message)),
            StackUnavailableException s => (ExitCodes.Unavailable, Unavailable(s.Technology, s.Message, args)),
            NativeSocketException n when n.ErrorName is "EPERM" or "EACCES" =>
                (ExitCodes.Failure, Sentence(n.Message) + " (run as root: the kernel requires CAP_NET_ADMIN/CAP_NET_RAW)"),
            ShortRangeException s when FindPermissionProblem(s) is { } hint => (ExitCodes.Failure, Sentence(s.Message) + hint),
            TimeoutException t => (ExitCodes.Failure, Sentence(t.Message)),
            IOException io => (ExitCodes.Failure, Sentence(io.Message)),
            UnauthorizedAccessException ua => (ExitCodes.Failure, Sentence(ua.Message)),
            ShortRangeException s => (ExitCodes.Failure, Sentence(s.Message)),
            _ => (ExitCodes.Failure, $"unexpected {error.GetType().Name}: {Sentence(error.Message)} (run with --verbose for details)"),
        };
    }

    /// <summary>"Bluetooth is not available: this kernel has no … (try: shortrange lab -- scan)".</summary>
    public static string Unavailable(Technology technology, string reason, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string line = $"{TechnologyNames.Display(technology)} is not available: {Lower(Sentence(reason))}";
        // Inside the lab the suggestion would loop; elsewhere the lab shows the command working on virtual radios.
        if (Environment.GetEnvironmentVariable("SHORTRANGE_LAB") != "1")
        {
            var rest = args.Where(a => a is not ("--verbose" or "-v")).ToList();
            if (rest.Count > 0) line += $" (try: shortrange lab -- {string.Join(' ', rest)})";
        }
        return line;
    }

    private static string? FindPermissionProblem(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
            if (x is NativeSocketException { ErrorName: "EPERM" or "EACCES" })
                return " (run as root: the kernel requires CAP_NET_ADMIN/CAP_NET_RAW)";
        return null;
    }

    /// <summary>A message without its final period, so hints can follow it on the same line.</summary>
    private static string Sentence(string message) => message.Trim().ReplaceLineEndings(" ").TrimEnd('.');

    private static string Lower(string s) =>
        s.Length > 1 && char.IsUpper(s[0]) && !char.IsUpper(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;
}
