using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.Link;

/// <summary>A frame from <paramref name="Source"/> was heard on <paramref name="PanId"/>.</summary>
/// <param name="Lqi">Link quality indicator when the radio reports one (AF_PACKET does not).</param>
public readonly record struct NeighbourSighting(MacAddress Source, ushort? PanId, DateTimeOffset Timestamp, byte? Lqi = null);
