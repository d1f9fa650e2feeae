namespace ShortRange.LowPan.Errors;

/// <summary>A frame or a compressed datagram is malformed; <see cref="Reason"/> says why (used for drop counters).</summary>
public sealed class LowPanFormatException : LowPanException
{
    public LowPanFormatException(DropReason reason, string message) : base(message) => Reason = reason;

    public DropReason Reason { get; }
}
