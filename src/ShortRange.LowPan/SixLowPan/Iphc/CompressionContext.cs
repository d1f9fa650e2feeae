namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>One IPHC context (RFC 6282 §3.1.2, distributed with the 6CO option of RFC 6775 §4.2).</summary>
/// <param name="Prefix">16 bytes; only the first <paramref name="PrefixLength"/> bits are used.</param>
/// <param name="CompressionAllowed">The 6CO "C" flag: valid for compression, otherwise only for decompression.</param>
public sealed record CompressionContext(byte[] Prefix, int PrefixLength, bool CompressionAllowed = true)
{
    internal bool Covers(ReadOnlySpan<byte> address)
    {
        int full = PrefixLength / 8, bits = PrefixLength % 8;
        if (!address[..full].SequenceEqual(Prefix.AsSpan(0, full))) return false;
        if (bits == 0) return true;
        int mask = 0xFF << (8 - bits) & 0xFF;
        return (address[full] & mask) == (Prefix[full] & mask);
    }

    /// <summary>Overwrites the first PrefixLength bits of <paramref name="address"/> with the prefix.</summary>
    internal void Overlay(Span<byte> address)
    {
        int full = PrefixLength / 8, bits = PrefixLength % 8;
        Prefix.AsSpan(0, full).CopyTo(address);
        if (bits != 0)
        {
            int mask = 0xFF << (8 - bits) & 0xFF;
            address[full] = (byte)((address[full] & ~mask) | (Prefix[full] & mask));
        }
    }
}
