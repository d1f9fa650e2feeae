namespace ShortRange.LowPan.Errors;

/// <summary>Why a received frame, fragment or datagram was dropped. Each value has its own counter.</summary>
public enum DropReason
{
    /// <summary>Frame shorter than its header says.</summary>
    Truncated,
    /// <summary>Reserved frame type, addressing mode or field value.</summary>
    Reserved,
    /// <summary>FCS did not match.</summary>
    BadFcs,
    /// <summary>Unknown or unsupported 6LoWPAN dispatch.</summary>
    UnknownDispatch,
    /// <summary>IPHC refers to a context that is not configured.</summary>
    UnknownContext,
    /// <summary>NHC id not supported.</summary>
    UnsupportedNhc,
    /// <summary>Fragment overlaps data already received for the same datagram.</summary>
    FragmentOverlap,
    /// <summary>Fragment lies outside datagram_size, or the size is larger than allowed.</summary>
    FragmentOutOfRange,
    /// <summary>Two fragments of one datagram disagree (tag reused with a different header).</summary>
    FragmentMismatch,
    /// <summary>Reassembly did not finish within the RFC 4944 timeout.</summary>
    ReassemblyTimeout,
    /// <summary>Too many concurrent reassemblies or too many buffered bytes.</summary>
    ReassemblyLimit,
    /// <summary>Secured frame; this stack does not decrypt.</summary>
    Secured,
    /// <summary>Frame not addressed to us or not a data frame.</summary>
    NotForUs,
    /// <summary>Decompressed header inconsistent with datagram length.</summary>
    BadLength,
    /// <summary>An outgoing packet's destination did not answer Neighbor Solicitations in time, or too many packets were waiting.</summary>
    NeighbourUnresolved,
}
