namespace ShortRange.LowPan.SixLowPan;

/// <summary>6LoWPAN dispatch values, RFC 4944 §5.1 and RFC 6282 §3.1 (LOWPAN_DISPATCH_* in the kernel's include/net/6lowpan.h).</summary>
public static class Dispatch
{
    /// <summary>NALP: 00xxxxxx, not a LoWPAN frame.</summary>
    public const byte NalpMask = 0xC0;
    /// <summary>LOWPAN_DISPATCH_IPV6: uncompressed IPv6 header follows.</summary>
    public const byte Ipv6 = 0x41;
    /// <summary>LOWPAN_DISPATCH_IPHC: 011xxxxx.</summary>
    public const byte Iphc = 0x60;
    public const byte IphcMask = 0xE0;
    /// <summary>LOWPAN_BC0 broadcast header: 0x50 + sequence number.</summary>
    public const byte Bc0 = 0x50;
    /// <summary>Mesh header: 10xxxxxx.</summary>
    public const byte Mesh = 0x80;
    public const byte MeshMask = 0xC0;
    /// <summary>FRAG1: 11000xxx.</summary>
    public const byte Frag1 = 0xC0;
    /// <summary>FRAGN: 11100xxx.</summary>
    public const byte FragN = 0xE0;
    public const byte FragMask = 0xF8;

    public static DispatchKind Classify(byte first) => first switch
    {
        Ipv6 => DispatchKind.Ipv6,
        Bc0 => DispatchKind.Broadcast,
        _ when (first & IphcMask) == Iphc => DispatchKind.Iphc,
        _ when (first & MeshMask) == Mesh => DispatchKind.Mesh,
        _ when (first & FragMask) == Frag1 => DispatchKind.Frag1,
        _ when (first & FragMask) == FragN => DispatchKind.FragN,
        _ when (first & NalpMask) == 0 => DispatchKind.NotLowPan,
        _ => DispatchKind.Unknown,
    };
}

public enum DispatchKind { Unknown, NotLowPan, Ipv6, Iphc, Mesh, Broadcast, Frag1, FragN }
