namespace ShortRange.LowPan.SixLowPan.Fragmentation;

/// <summary>Limits of the reassembler. Defaults follow RFC 4944 §5.3 (60 s) and the IPv6 minimum MTU.</summary>
public sealed class ReassemblyOptions
{
    /// <summary>RFC 4944 §5.3: a reassembly not finished in 60 seconds is discarded.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Most datagrams reassembled at once.</summary>
    public int MaxConcurrentReassemblies { get; set; } = 16;
    /// <summary>Most bytes held by unfinished reassemblies together.</summary>
    public int MaxBufferedBytes { get; set; } = 16 * 1280;
    /// <summary>Largest datagram_size accepted (the 6LoWPAN interface MTU is 1280; the field allows 2047).</summary>
    public int MaxDatagramSize { get; set; } = 1280;
}
