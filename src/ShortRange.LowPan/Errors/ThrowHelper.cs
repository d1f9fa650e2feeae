using System.Diagnostics.CodeAnalysis;

namespace ShortRange.LowPan.Errors;

internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Format(DropReason reason, string message) => throw new LowPanFormatException(reason, message);

    [DoesNotReturn]
    public static T Format<T>(DropReason reason, string message) => throw new LowPanFormatException(reason, message);

    [DoesNotReturn]
    public static void TooSmall(string what) => throw new ArgumentException($"Destination too small for {what}.", "destination");
}
