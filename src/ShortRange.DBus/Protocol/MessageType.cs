namespace ShortRange.DBus;

/// <summary>Message types (specification, "Message Format", byte 2 of the header).</summary>
public enum MessageType : byte
{
    Invalid = 0,
    MethodCall = 1,
    MethodReturn = 2,
    Error = 3,
    Signal = 4,
}
