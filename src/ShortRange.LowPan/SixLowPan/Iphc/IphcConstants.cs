namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>Bit fields of the IPHC base header, RFC 6282 §3.1.1 (LOWPAN_IPHC_* in the kernel's include/net/6lowpan.h).</summary>
internal static class IphcConstants
{
    // First byte: 0 1 1 TF TF NH HLIM HLIM
    public const byte Dispatch = 0x60;
    public const byte TfMask = 0x18;
    public const byte Nh = 0x04;
    public const byte HlimMask = 0x03;
    // Second byte: CID SAC SAM SAM M DAC DAM DAM
    public const byte Cid = 0x80;
    public const byte Sac = 0x40;
    public const int SamShift = 4;
    public const byte M = 0x08;
    public const byte Dac = 0x04;

    // NHC UDP: 1 1 1 1 0 C P P (RFC 6282 §4.3.3)
    public const byte NhcUdpMask = 0xF8;
    public const byte NhcUdpId = 0xF0;
    public const byte NhcUdpChecksumElided = 0x04;
    // NHC extension header: 1 1 1 0 EID EID EID NH (RFC 6282 §4.2)
    public const byte NhcExtMask = 0xF0;
    public const byte NhcExtId = 0xE0;

    public const ushort UdpShortPortBase = 0xF0B0;   // 4-bit ports 0xF0B0..0xF0BF
    public const ushort UdpBytePortBase = 0xF000;    // 8-bit ports 0xF000..0xF0FF

    /// <summary>RFC 6282 §4.2 EID (0..4, 7) for an IPv6 next-header value, or -1.</summary>
    public static int EidOf(byte nextHeader) => nextHeader switch
    {
        Ipv6.NextHeaderHopByHop => 0,
        Ipv6.NextHeaderRouting => 1,
        Ipv6.NextHeaderFragment => 2,
        Ipv6.NextHeaderDestinationOptions => 3,
        Ipv6.NextHeaderMobility => 4,
        _ => -1,
    };

    public static int NextHeaderOfEid(int eid) => eid switch
    {
        0 => Ipv6.NextHeaderHopByHop,
        1 => Ipv6.NextHeaderRouting,
        2 => Ipv6.NextHeaderFragment,
        3 => Ipv6.NextHeaderDestinationOptions,
        4 => Ipv6.NextHeaderMobility,
        _ => -1,
    };
}
