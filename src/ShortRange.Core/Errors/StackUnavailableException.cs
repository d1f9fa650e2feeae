namespace ShortRange.Errors;

/// <summary>
/// The running kernel lacks a stack the SDK needs (for example no AF_BLUETOOTH support).
/// Raised once, with one sentence a user can act on.
/// </summary>
public class StackUnavailableException : ShortRangeException
{
    public StackUnavailableException(Technology technology, string message, Exception? innerException = null)
        : base(message, innerException) => Technology = technology;

    public Technology Technology { get; }
}
