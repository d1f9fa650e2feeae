namespace ShortRange.LowPan.Link;

/// <summary>Receives one 802.15.4 frame (without FCS). The span is only valid during the call.</summary>
public delegate void FrameSink(ReadOnlySpan<byte> frame);
