using System.Buffers.Binary;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Fragmentation;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Link;

/// <summary>
/// The 6LoWPAN adaptation layer of one 802.15.4 interface, without I/O: IPv6 packets in → 802.15.4 data frames out
/// (IPHC + NHC, RFC 4944 fragmentation), frames in → IPv6 packets out (reassembly, mesh/BC0 headers stripped).
/// Answers Neighbor Solicitations for its own addresses with a Target Link-Layer Address option (RFC 4944 §8,
/// RFC 4861 §7.2.4) since a TUN device has no link layer of its own. Malformed input never throws: it is counted in
/// <see cref="Drops"/> and reported through <see cref="Dropped"/>.
/// Not thread-safe: one sender and one receiver must serialize their calls (the transports do).
/// </summary>
public sealed partial class LowPanLink
{
    private const int IcmpNeighborSolicitation = 135, IcmpNeighborAdvertisement = 136;
    private const int NdOptionSourceLinkLayer = 1, NdOptionTargetLinkLayer = 2;

    private readonly LowPanLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly Reassembler _reassembler;
    private readonly byte[] _frame = new byte[LowPanLinkOptions.MaxFrameLength];
    private readonly byte[] _lowpan = new byte[FragmentHeader.MaxDatagramSize + 64];
    private readonly byte[] _packet = new byte[FragmentHeader.MaxDatagramSize];
    private byte _sequence;
    private ushort _tag;

    public LowPanLink(LowPanLinkOptions options, TimeProvider? timeProvider = null)
    {
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _reassembler = new Reassembler(options.Reassembly, _time);
        Neighbours = new NeighbourTable(options.MaxNeighbours);
        _sequence = (byte)Random.Shared.Next(256);
        _tag = (ushort)Random.Shared.Next(65536);
        LinkLocalAddress = new byte[16];
        LinkLocalAddress[0] = 0xFE;
        LinkLocalAddress[1] = 0x80;
        MacAddress.FromExtended(options.ExtendedAddress).WriteInterfaceIdentifier(LinkLocalAddress.AsSpan(8));
    }

    public LowPanLinkOptions Options => _options;
    public DropCounters Drops { get; } = new();
    public NeighbourTable Neighbours { get; }
    /// <summary>fe80::/64 + the interface identifier derived from our extended address.</summary>
    public byte[] LinkLocalAddress { get; }
    public MacAddress ExtendedAddress => MacAddress.FromExtended(_options.ExtendedAddress);
    public int ActiveReassemblies => _reassembler.ActiveReassemblies;
    public int BufferedReassemblyBytes => _reassembler.BufferedBytes;

    /// <summary>A frame, fragment or datagram was dropped (reason, detail). Raised on the receiving thread.</summary>
    public event Action<DropReason, string>? Dropped;
    /// <summary>Some neighbour's frame was heard (the source of any parseable frame addressed to us or broadcast).</summary>
    public event Action<NeighbourSighting>? NeighbourHeard;

    /// <summary>
    /// Sends an IPv6 packet; the link-layer destination is resolved from the IPv6 destination (<see cref="Resolve"/>).
    /// With <see cref="LowPanLinkOptions.NeighbourDiscovery"/> on, a unicast destination that is neither known nor
    /// link-local is first solicited (RFC 4861 §7.2.2: the packet waits, a Neighbor Solicitation goes out through
    /// <paramref name="sink"/>) and sent from <see cref="Receive"/> when the advertisement arrives. Returns the frame count.
    /// </summary>
    public int Send(ReadOnlySpan<byte> packet, FrameSink sink)
    {
        if (packet.Length < Ipv6.HeaderLength) throw new ArgumentException("Shorter than an IPv6 header.", nameof(packet));
        var destination = packet.Slice(24, 16);
        if (_options.NeighbourDiscovery && NeedsSolicitation(destination)) return Defer(packet, sink);
        return Send(packet, Resolve(destination), sink);
    }

    /// <summary>Compresses, fragments if needed and hands each frame to <paramref name="sink"/>; returns the frame count.</summary>
    public int Send(ReadOnlySpan<byte> packet, MacAddress destination, FrameSink sink)
    {
        if (packet.Length > FragmentHeader.MaxDatagramSize) throw new ArgumentException("IPv6 packet larger than 6LoWPAN can carry.", nameof(packet));
        var source = LinkSource;
        int h = IphcEncoder.Compress(packet, source, destination, _options.Contexts, _lowpan, out int consumed, _options.CompressionOptions);
        packet[consumed..].CopyTo(_lowpan.AsSpan(h));
        int length = h + packet.Length - consumed;

        var header = new MacHeader
        {
            FrameType = MacFrameType.Data,
            Version = _options.FrameVersion,
            AckRequest = _options.AckRequest && !destination.IsBroadcast,
            PanIdCompression = true,
            DestinationPanId = _options.PanId,
            Destination = destination,
            Source = source,
        };
        int maxPayload = LowPanLinkOptions.MaxFrameLength - header.Length;
        var fragmenter = new Fragmenter(_lowpan.AsSpan(0, length), h, consumed, _tag, maxPayload);
        if (fragmenter.NeedsFragmentation) _tag++;
        Span<byte> payload = stackalloc byte[maxPayload];
        int frames = 0;
        while (fragmenter.TryWriteNext(payload, out int n))
        {
            header = header with { SequenceNumber = _sequence++ };
            int f = MacFrame.Write(header, payload[..n], _frame);
            sink(_frame.AsSpan(0, f));
            frames++;
            LowPanMetrics.FramesSent.Add(1);
        }
        return frames;
    }

    private Action<DropReason>? _onReassemblyConflict;

    /// <summary>
    /// Processes one received frame (no FCS). Returns the IPv6 packet it completed, or null (fragment pending, handled
    /// internally, or dropped). Neighbor Solicitations for our addresses are answered through <paramref name="reply"/>.
    /// </summary>
    public byte[]? Receive(ReadOnlySpan<byte> frame, FrameSink? reply = null, byte? lqi = null)
    {
        LowPanMetrics.FramesReceived.Add(1);
        try
        {
            return ReceiveCore(frame, reply, lqi);
        }
        catch (LowPanFormatException e)
        {
            Drop(e.Reason, e.Message);
            return null;
        }
    }

    /// <summary>Discards reassemblies older than the RFC 4944 timeout. Call periodically.</summary>
    public void ExpireReassemblies()
    {
        _reassembler.ExpireStale(r => Drop(r, "Reassembly timed out."));
        ExpireSolicitations();
    }

    private MacAddress LinkSource => _options.UseShortSource && _options.HasShortAddress
        ? MacAddress.FromShort(_options.ShortAddress!.Value)
        : MacAddress.FromExtended(_options.ExtendedAddress);

    /// <summary>Link-layer destination for an IPv6 destination: broadcast for multicast, else the neighbour table, else the IID mapping.</summary>
    public MacAddress Resolve(ReadOnlySpan<byte> destination)
    {
        if (destination[0] == 0xFF) return MacAddress.Broadcast;
        if (Neighbours.TryGet(destination, out var known)) return known;
        var iid = destination[8..];
        if (iid[..6].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0xFF, 0xFE, 0]))
            return MacAddress.FromShort(BinaryPrimitives.ReadUInt16BigEndian(iid[6..]));
        return MacAddress.FromExtended(BinaryPrimitives.ReadUInt64BigEndian(iid) ^ 0x0200_0000_0000_0000UL);
    }

    private void Drop(DropReason reason, string detail)
    {
        Drops.Increment(reason);
        LowPanMetrics.Dropped(reason);
        Dropped?.Invoke(reason, detail);
    }

    private bool IsForUs(in MacHeader h)
    {
        if (h.DestinationPanId is { } pan && pan != _options.PanId && pan != 0xFFFF) return false;
        var d = h.Destination;
        return d.Mode switch
        {
            AddressingMode.Short => d.IsBroadcast || (_options.HasShortAddress && d.Short == _options.ShortAddress),
            AddressingMode.Extended => d.Extended == _options.ExtendedAddress,
            _ => false,
        };
    }

    private byte[]? ReceiveCore(ReadOnlySpan<byte> frameBytes, FrameSink? reply, byte? lqi)
    {
        var frame = MacFrame.Parse(frameBytes);
        var header = frame.Header;
        if (header.FrameType != MacFrameType.Data) { Drop(DropReason.NotForUs, $"{header.FrameType} frame."); return null; }
        if (!IsForUs(header)) { Drop(DropReason.NotForUs, $"Frame for {header.Destination}."); return null; }
        if (header.Security is not null) { Drop(DropReason.Secured, "Secured frame (no keys)."); return null; }
        if (header.Source.Mode != AddressingMode.None)
            NeighbourHeard?.Invoke(new NeighbourSighting(header.Source, header.EffectiveSourcePanId, _time.GetUtcNow(), lqi));

        var payload = frame.Payload;
        var src = header.Source;
        var dst = header.Destination;
        byte[]? packet = null;
        while (packet is null)
        {
            if (payload.IsEmpty) ThrowHelper.Format(DropReason.Truncated, "Empty 6LoWPAN payload.");
            switch (Dispatch.Classify(payload[0]))
            {
                case DispatchKind.Mesh:
                    // RFC 4944 §5.2: originator/final replace the MAC addresses for header decompression.
                    var mesh = MeshHeader.Read(payload, out int ml);
                    src = mesh.Originator;
                    dst = mesh.Final;
                    payload = payload[ml..];
                    continue;
                case DispatchKind.Broadcast:
                    payload = payload[BroadcastHeader.Length..];
                    continue;
                case DispatchKind.Ipv6:
                    if (payload.Length - 1 < Ipv6.HeaderLength) ThrowHelper.Format(DropReason.Truncated, "Uncompressed IPv6 too short.");
                    packet = payload[1..].ToArray();
                    break;
                case DispatchKind.Iphc:
                    int n = IphcDecoder.DecompressPacket(payload, src, dst, _options.Contexts, _packet);
                    packet = _packet.AsSpan(0, n).ToArray();
                    break;
                case DispatchKind.Frag1:
                case DispatchKind.FragN:
                    packet = _reassembler.Add(payload, src, dst, _options.Contexts,
                        _onReassemblyConflict ??= r => Drop(r, "Conflicting fragment (datagram_tag reused): buffered fragments discarded, reassembly restarted."));
                    if (packet is null) return null;
                    break;
                default:
                    ThrowHelper.Format(DropReason.UnknownDispatch, $"Dispatch 0x{payload[0]:x2}.");
                    break;
            }
        }

        if (packet.Length < Ipv6.HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4)) != packet.Length - Ipv6.HeaderLength)
            ThrowHelper.Format(DropReason.BadLength, "IPv6 payload length does not match.");
        var ipSource = packet.AsSpan(8, 16);
        if (ipSource.IndexOfAnyExcept((byte)0) >= 0 && ipSource[0] != 0xFF) Neighbours.Learn(ipSource, src);
        LearnFromNd(packet);
        if (reply is not null) FlushResolved(reply);
        if (reply is not null && TryAnswerSolicitation(packet, src, reply)) return null;
        return packet;
    }

    /// <summary>Learns link-layer addresses from NS (SLLAO) and NA (TLLAO) options (RFC 4944 §8: length 1 = short, 2 = extended).</summary>
    private void LearnFromNd(byte[] packet)
    {
        if (packet.Length < 64 || packet[6] != Ipv6.NextHeaderIcmpv6) return;
        int type = packet[40];
        if (type is not (IcmpNeighborSolicitation or IcmpNeighborAdvertisement)) return;
        var owner = type == IcmpNeighborSolicitation ? packet.AsSpan(8, 16) : packet.AsSpan(48, 16);
        if (owner.IndexOfAnyExcept((byte)0) < 0) return;
        int want = type == IcmpNeighborSolicitation ? NdOptionSourceLinkLayer : NdOptionTargetLinkLayer;
        var options = packet.AsSpan(64);
        while (options.Length >= 8 && options[1] != 0 && options[1] * 8 <= options.Length)
        {
            if (options[0] == want && options[1] == 2) Neighbours.Learn(owner, MacAddress.FromExtended(BinaryPrimitives.ReadUInt64BigEndian(options[2..])));
            options = options[(options[1] * 8)..];
        }
    }

    private bool IsOurAddress(ReadOnlySpan<byte> a)
    {
        if (a.SequenceEqual(LinkLocalAddress)) return true;
        foreach (var x in _options.Addresses)
            if (a.SequenceEqual(x)) return true;
        return false;
    }

    private bool TryAnswerSolicitation(byte[] ns, MacAddress linkSource, FrameSink reply)
    {
        // RFC 4861 §7.1.1 validity: hop limit 255, ICMPv6 type 135 code 0, at least 24 bytes.
        if (ns.Length < 64 || ns[6] != Ipv6.NextHeaderIcmpv6 || ns[7] != 255 || ns[40] != IcmpNeighborSolicitation || ns[41] != 0) return false;
        var target = ns.AsSpan(48, 16);
        if (!IsOurAddress(target)) return false;
        if (Ipv6.UpperLayerChecksum(ns.AsSpan(8, 16), ns.AsSpan(24, 16), Ipv6.NextHeaderIcmpv6, ns.AsSpan(40)) != 0) return false;

        bool withShort = _options.HasShortAddress;
        int length = 40 + 24 + 16 + (withShort ? 8 : 0);
        Span<byte> na = stackalloc byte[length];
        na.Clear();
        na[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(na[4..], (ushort)(length - 40));
        na[6] = Ipv6.NextHeaderIcmpv6;
        na[7] = 255;
        target.CopyTo(na[8..]);
        bool dad = ns.AsSpan(8, 16).IndexOfAnyExcept((byte)0) < 0;
        if (dad) { na[24] = 0xFF; na[25] = 0x02; na[39] = 1; } // reply to all-nodes (RFC 4861 §7.2.4)
        else ns.AsSpan(8, 16).CopyTo(na[24..]);
        var icmp = na[40..];
        icmp[0] = IcmpNeighborAdvertisement;
        icmp[4] = (byte)(dad ? 0x20 : 0x60); // S (unless DAD) and O flags
        target.CopyTo(icmp[8..]);
        icmp[24] = NdOptionTargetLinkLayer;
        icmp[25] = 2;
        BinaryPrimitives.WriteUInt64BigEndian(icmp[26..], _options.ExtendedAddress);
        if (withShort)
        {
            icmp[40] = NdOptionTargetLinkLayer;
            icmp[41] = 1;
            BinaryPrimitives.WriteUInt16BigEndian(icmp[42..], _options.ShortAddress!.Value);
        }
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Ipv6.UpperLayerChecksum(na.Slice(8, 16), na.Slice(24, 16), Ipv6.NextHeaderIcmpv6, icmp));
        Send(na, dad ? MacAddress.Broadcast : linkSource, reply);
        return true;
    }
}
