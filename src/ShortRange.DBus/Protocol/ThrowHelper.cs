using System.Diagnostics.CodeAnalysis;

namespace ShortRange.DBus;

/// <summary>Throws out of line so hot paths stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Protocol(string message) => throw new ProtocolException(message);

    [DoesNotReturn]
    public static void Truncated() => throw new ProtocolException("Message is truncated: a value runs past the end of the message.");

    [DoesNotReturn]
    public static T Protocol<T>(string message) => throw new ProtocolException(message);
}
