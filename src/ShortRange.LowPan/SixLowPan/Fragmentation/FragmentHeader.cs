using System.Buffers.Binary;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.SixLowPan.Fragmentation;

/// <summary>
/// RFC 4944 §5.3 fragment headers. FRAG1: 11000 datagram_size(11) datagram_tag(16).
/// FRAGN: 11100 datagram_size(11) datagram_tag(16) datagram_offset(8, in 8-octet units).
/// </summary>
public readonly record struct FragmentHeader(bool IsFirst, int DatagramSize, ushort Tag, int Offset)
{
    public const int Frag1Length = 4;
    public const int FragNLength = 5;
    /// <summary>Largest datagram_size the 11-bit field can carry.</summary>
    public const int MaxDatagramSize = 2047;

    public int Length => IsFirst ? Frag1Length : FragNLength;

    /// <summary>Offset in bytes of this fragment's data in the uncompressed datagram.</summary>
    public int ByteOffset => IsFirst ? 0 : Offset * 8;

    public static FragmentHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < Frag1Length) ThrowHelper.Format(DropReason.Truncated, "Fragment header truncated.");
        byte type = (byte)(data[0] & Dispatch.FragMask);
        int size = BinaryPrimitives.ReadUInt16BigEndian(data) & 0x07FF;
        ushort tag = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (type == Dispatch.Frag1) return new FragmentHeader(true, size, tag, 0);
        if (type != Dispatch.FragN) ThrowHelper.Format(DropReason.UnknownDispatch, "Not a fragment header.");
        if (data.Length < FragNLength) ThrowHelper.Format(DropReason.Truncated, "FRAGN header truncated.");
        return new FragmentHeader(false, size, tag, data[4]);
    }

    public int Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DatagramSize, MaxDatagramSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Offset, 255);
        if (destination.Length < Length) ThrowHelper.TooSmall("fragment header");
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(((IsFirst ? Dispatch.Frag1 : Dispatch.FragN) << 8) | DatagramSize));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Tag);
        if (!IsFirst) destination[4] = (byte)Offset;
        return Length;
    }
}
