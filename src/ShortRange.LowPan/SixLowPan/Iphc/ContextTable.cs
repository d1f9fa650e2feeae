namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>
/// The up-to-16 IPHC contexts (CID 0–15, RFC 6282 §3.1.2). Thread-safe for readers; replacing a context
/// swaps an array slot atomically.
/// </summary>
public sealed class ContextTable
{
    public const int MaxContexts = 16;
    private readonly CompressionContext?[] _contexts = new CompressionContext?[MaxContexts];

    public CompressionContext? this[int cid]
    {
        get => _contexts[cid];
        set
        {
            if (value is not null)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThan(value.PrefixLength, 128);
                ArgumentOutOfRangeException.ThrowIfNegative(value.PrefixLength);
                if (value.Prefix.Length != 16) throw new ArgumentException("Prefix must be 16 bytes.", nameof(value));
            }
            Volatile.Write(ref _contexts[cid], value);
        }
    }

    public void Set(int cid, ReadOnlySpan<byte> prefix, int prefixLength, bool compressionAllowed = true)
    {
        var bytes = new byte[16];
        prefix[..Math.Min(16, prefix.Length)].CopyTo(bytes);
        this[cid] = new CompressionContext(bytes, prefixLength, compressionAllowed);
    }
}
