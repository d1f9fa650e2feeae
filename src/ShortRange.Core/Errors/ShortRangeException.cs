namespace ShortRange.Errors;

/// <summary>Base of every exception the SDK throws on purpose. Each technology derives its own.</summary>
public class ShortRangeException : Exception
{
    public ShortRangeException() { }
    public ShortRangeException(string message) : base(message) { }
    public ShortRangeException(string message, Exception? innerException) : base(message, innerException) { }
}
