using ShortRange.Errors;

namespace ShortRange.LowPan.Errors;

/// <summary>Base of every exception thrown by the IEEE 802.15.4 / 6LoWPAN module.</summary>
public class LowPanException : ShortRangeException
{
    public LowPanException() { }
    public LowPanException(string message) : base(message) { }
    public LowPanException(string message, Exception? innerException) : base(message, innerException) { }
}
