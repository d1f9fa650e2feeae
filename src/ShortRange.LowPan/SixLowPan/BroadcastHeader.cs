using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.SixLowPan;

/// <summary>LOWPAN_BC0 broadcast header, RFC 4944 §11.1: dispatch 0x50 followed by an 8-bit sequence number.</summary>
public static class BroadcastHeader
{
    public const int Length = 2;

    public static byte ReadSequence(ReadOnlySpan<byte> data)
    {
        if (data.Length < Length || data[0] != Dispatch.Bc0) ThrowHelper.Format(DropReason.Truncated, "LOWPAN_BC0 header truncated.");
        return data[1];
    }

    public static int Write(byte sequence, Span<byte> destination)
    {
        if (destination.Length < Length) ThrowHelper.TooSmall("LOWPAN_BC0 header");
        destination[0] = Dispatch.Bc0;
        destination[1] = sequence;
        return Length;
    }
}
