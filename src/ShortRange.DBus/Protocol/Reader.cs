using System.Runtime.CompilerServices;

namespace ShortRange.DBus;

/// <summary>
/// Unmarshals values from a message in either byte order. Alignment is relative to the message start; every length
/// is checked against the bytes present (and the specification's limits) before use, so a hostile message fails
/// with <see cref="ProtocolException"/> and never causes an out-of-range read or an allocation beyond its own size.
/// </summary>
public ref partial struct Reader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _bigEndian;
    private int _offset;
    // Nesting of containers and variants read so far; the total is limited to 64 ("Valid Signatures"), which
    // also bounds recursion for variants-in-variants that no signature can limit.
    private int _depth;

    /// <summary>A reader over <paramref name="data"/>, where offset 0 is the message start (for alignment).</summary>
    public Reader(ReadOnlySpan<byte> data, bool bigEndian = false, int offset = 0)
    {
        _data = data;
        _bigEndian = bigEndian;
        _offset = offset;
    }

    /// <summary>Current offset from the message start.</summary>
    public readonly int Offset => _offset;

    /// <summary>True when no bytes remain.</summary>
    public readonly bool IsAtEnd => _offset >= _data.Length;

    public readonly int BytesRemaining => _data.Length - _offset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Align(int alignment)
    {
        int aligned = ProtocolConstants.Align(_offset, alignment);
        if (aligned != _offset)
        {
            AlignSlow(aligned);
        }
    }

    private void AlignSlow(int aligned)
    {
        if (aligned > _data.Length)
        {
            ThrowHelper.Truncated();
        }
        // The specification requires padding bytes to be zero.
        if (_data.Slice(_offset, aligned - _offset).ContainsAnyExcept((byte)0))
        {
            ThrowHelper.Protocol("Non-zero alignment padding.");
        }
        _offset = aligned;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_data.Length - _offset))
        {
            ThrowHelper.Truncated();
        }
        ReadOnlySpan<byte> span = _data.Slice(_offset, count);
        _offset += count;
        return span;
    }
}
