using Spectre.Console;

namespace ShortRange.Tool.Infrastructure;

/// <summary>Where the tool writes: stdout for results, stderr for progress and errors. Tests pass string writers.</summary>
public sealed class ToolConsole
{
    public ToolConsole(TextWriter output, TextWriter error, bool isInteractive)
    {
        Out = output;
        Error = error;
        IsInteractive = isInteractive;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = isInteractive ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = isInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }

    /// <summary>stdout is a terminal: live tables and prompts are allowed.</summary>
    public bool IsInteractive { get; }

    /// <summary>Spectre.Console over <see cref="Out"/>.</summary>
    public IAnsiConsole Ansi { get; }

    public static ToolConsole System() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsInputRedirected);
}
