using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;

namespace ShortRange.Tool.Commands;

/// <summary>
/// Frames → IPv6 packets for `lowpan decode` and `lowpan listen`, through the library's <see cref="LowPanLink"/>
/// (IPHC/NHC decompression, RFC 4944 reassembly, mesh/BC0 headers). A link only accepts frames addressed to it, so
/// before each frame the decoder takes on that frame's destination PAN and address: it decodes every frame it is given,
/// like a sniffer. (ShortRange.LowPan has no promiscuous receive yet; see the tool README.)
/// </summary>
public sealed class FrameDecoder
{
    private readonly LowPanLinkOptions _options = new();
    private readonly LowPanLink _link;
    private (DropReason Reason, string Detail)? _drop;

    public FrameDecoder()
    {
        _link = new LowPanLink(_options);
        _link.Dropped += (reason, detail) => _drop = (reason, detail);
    }

    /// <summary>Datagrams still waiting for fragments.</summary>
    public int Incomplete => _link.ActiveReassemblies;

    /// <summary>The IPv6 packet <paramref name="frame"/> completes (null: fragment pending or dropped, see <paramref name="drop"/>).</summary>
    public byte[]? Decode(ReadOnlySpan<byte> frame, out (DropReason Reason, string Detail)? drop)
    {
        _drop = null;
        if (MacFrame.TryParse(frame, out var parsed, out _))
        {
            var h = parsed.Header;
            if (h.DestinationPanId is { } pan) _options.PanId = pan;
            if (h.Destination.Mode == AddressingMode.Extended) _options.ExtendedAddress = h.Destination.Extended;
            else if (h.Destination.Mode == AddressingMode.Short) _options.ShortAddress = h.Destination.Short;
        }
        var packet = _link.Receive(frame);
        drop = _drop;
        return packet;
    }
}
