namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>What <see cref="IphcDecoder.Decompress"/> produced.</summary>
/// <param name="Consumed">Compressed bytes read (IPHC + NHC headers).</param>
/// <param name="Written">Uncompressed header bytes written (IPv6 + extension headers + UDP).</param>
/// <param name="UdpOffset">Offset of the UDP header in the output, or -1.</param>
/// <param name="UdpChecksumElided">The UDP checksum was elided (C=1): recompute it once the whole payload is present.</param>
public readonly record struct IphcDecodeResult(int Consumed, int Written, int UdpOffset, bool UdpChecksumElided);
