using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.Link;

/// <summary>A frame from <paramref name="Source"/> was heard on <paramref name="PanId"/>.</summary>
/// <param name="Lqi">Link quality indicator when the transport reports one. AF_PACKET does not (the kernel keeps LQI in the
/// skb control block; only AF_IEEE802154 datagram sockets with WPAN_WANTLQI receive it, see <see cref="Discovery.Ieee802154Scanner"/>).</param>
public readonly record struct NeighbourSighting(MacAddress Source, ushort? PanId, DateTimeOffset Timestamp, byte? Lqi = null);
