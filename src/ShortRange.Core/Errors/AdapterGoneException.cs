namespace ShortRange.Errors;

/// <summary>The adapter an operation was running on disappeared (unplugged, module unloaded, interface deleted).</summary>
public class AdapterGoneException : ShortRangeException
{
    public AdapterGoneException(Technology technology, string adapter, string? message = null, Exception? innerException = null)
        : base(message ?? $"{technology} adapter '{adapter}' is gone", innerException)
    {
        Technology = technology;
        Adapter = adapter;
    }

    public Technology Technology { get; }
    public string Adapter { get; }
}
