using System.Buffers.Binary;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;

namespace ShortRange.LowPan.Link;

/// <summary>Address resolution with Neighbor Solicitations (RFC 4861 §7.2.2) for destinations the IID cannot map.</summary>
public sealed partial class LowPanLink
{
    // RFC 4861 §7.2.2 asks for a small queue per destination; both limits bound memory against a host flooding new destinations.
    private const int MaxWaitingPerDestination = 3, MaxWaitingDestinations = 16;
    private static readonly TimeSpan RetransTimer = TimeSpan.FromSeconds(1); // RFC 4861 §10 RETRANS_TIMER

    private readonly Dictionary<UInt128, Waiting> _waiting = [];

    private sealed class Waiting(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;
        public DateTimeOffset LastSolicited { get; set; } = since;
        public List<byte[]> Packets { get; } = [];
    }

    /// <summary>Destinations with packets waiting for a Neighbor Advertisement.</summary>
    public int PendingResolutions => _waiting.Count;

    private bool NeedsSolicitation(ReadOnlySpan<byte> destination) =>
        destination[0] != 0xFF && !(destination[0] == 0xFE && (destination[1] & 0xC0) == 0x80) && !Neighbours.TryGet(destination, out _);

    private int Defer(ReadOnlySpan<byte> packet, FrameSink sink)
    {
        var now = _time.GetUtcNow();
        var key = BinaryPrimitives.ReadUInt128BigEndian(packet.Slice(24, 16));
        if (!_waiting.TryGetValue(key, out var w))
        {
            if (_waiting.Count >= MaxWaitingDestinations)
            {
                Drop(DropReason.NeighbourUnresolved, "Too many destinations waiting for neighbour resolution.");
                return 0;
            }
            _waiting[key] = w = new Waiting(now);
            return SendSolicitation(packet.Slice(24, 16), sink) + Enqueue(w, packet);
        }
        int frames = Enqueue(w, packet);
        if (now - w.LastSolicited >= RetransTimer)
        {
            w.LastSolicited = now;
            frames += SendSolicitation(packet.Slice(24, 16), sink);
        }
        return frames;
    }

    private int Enqueue(Waiting w, ReadOnlySpan<byte> packet)
    {
        if (w.Packets.Count >= MaxWaitingPerDestination)
        {
            w.Packets.RemoveAt(0); // RFC 4861 §7.2.2: when the queue overflows, the oldest packet goes
            Drop(DropReason.NeighbourUnresolved, "Neighbour resolution queue full.");
        }
        w.Packets.Add(packet.ToArray());
        return 0;
    }

    /// <summary>Sends every waiting packet whose destination has become known.</summary>
    private void FlushResolved(FrameSink sink)
    {
        if (_waiting.Count == 0) return;
        Span<byte> address = stackalloc byte[16];
        foreach (var key in _waiting.Keys.ToList())
        {
            BinaryPrimitives.WriteUInt128BigEndian(address, key);
            if (!Neighbours.TryGet(address, out var mac)) continue;
            var w = _waiting[key];
            _waiting.Remove(key);
            foreach (var p in w.Packets) Send(p, mac, sink);
        }
    }

    private void ExpireSolicitations()
    {
        if (_waiting.Count == 0) return;
        var now = _time.GetUtcNow();
        foreach (var (key, w) in _waiting.ToList())
        {
            if (now - w.Since < _options.NeighbourResolutionTimeout) continue;
            _waiting.Remove(key);
            for (int i = 0; i < w.Packets.Count; i++) Drop(DropReason.NeighbourUnresolved, "No Neighbor Advertisement in time.");
        }
    }

    /// <summary>
    /// NS from our link-local address to the target's solicited-node group ff02::1:ffXX:XXXX (RFC 4291 §2.7.1) with our
    /// SLLAO (RFC 4944 §8: length 2, the EUI-64), hop limit 255 (RFC 4861 §7.1.1); sent as a broadcast frame.
    /// </summary>
    private int SendSolicitation(ReadOnlySpan<byte> target, FrameSink sink)
    {
        const int length = 40 + 24 + 16;
        Span<byte> ns = stackalloc byte[length];
        ns.Clear();
        ns[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ns[4..], length - 40);
        ns[6] = Ipv6.NextHeaderIcmpv6;
        ns[7] = 255;
        LinkLocalAddress.CopyTo(ns[8..]);
        var dst = ns.Slice(24, 16);
        dst[0] = 0xFF; dst[1] = 0x02; dst[11] = 0x01; dst[12] = 0xFF;
        target[13..].CopyTo(dst[13..]);
        var icmp = ns[40..];
        icmp[0] = IcmpNeighborSolicitation;
        target.CopyTo(icmp[8..]);
        icmp[24] = NdOptionSourceLinkLayer;
        icmp[25] = 2;
        BinaryPrimitives.WriteUInt64BigEndian(icmp[26..], _options.ExtendedAddress);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Ipv6.UpperLayerChecksum(ns.Slice(8, 16), dst, Ipv6.NextHeaderIcmpv6, icmp));
        return Send(ns, MacAddress.Broadcast, sink);
    }
}
