namespace ShortRange.Tool.Infrastructure;

/// <summary>The command ran but its input data or outcome is bad; exits with <see cref="ExitCodes.Failure"/> and this message.</summary>
public sealed class FailureException : Exception
{
    public FailureException(string message) : base(message) { }
    public FailureException(string message, Exception? innerException) : base(message, innerException) { }
    public FailureException() { }
}
