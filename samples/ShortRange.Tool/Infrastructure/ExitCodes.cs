namespace ShortRange.Tool.Infrastructure;

/// <summary>The tool's exit codes (documented in README.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The operation failed (device refused, timeout, I/O error, malformed input data).</summary>
    public const int Failure = 1;
    /// <summary>The command line is wrong (unknown command/option, missing or malformed argument).</summary>
    public const int Usage = 2;
    /// <summary>The kernel lacks the stack (no AF_BLUETOOTH, no wpan interface, no nfc family).</summary>
    public const int Unavailable = 3;
    /// <summary>Cancelled by Ctrl+C (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
