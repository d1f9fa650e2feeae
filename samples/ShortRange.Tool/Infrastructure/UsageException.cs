namespace ShortRange.Tool.Infrastructure;

/// <summary>An argument parsed but its value is unusable (bad hex, bad address); exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }
    public UsageException(string message, Exception? innerException) : base(message, innerException) { }
    public UsageException() { }
}
