namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>Choices of the IPHC compressor. The default matches what the Linux kernel's net/6lowpan sends.</summary>
[Flags]
public enum IphcEncoderOptions
{
    /// <summary>UDP NHC with the checksum carried inline; extension headers inline.</summary>
    Default = 0,
    /// <summary>Leave the UDP header uncompressed (NH=0).</summary>
    NoUdpCompression = 1,
    /// <summary>Compress IPv6 extension headers with NHC (RFC 6282 §4.2). The kernel (6.1) cannot decompress these.</summary>
    CompressExtensionHeaders = 2,
}
