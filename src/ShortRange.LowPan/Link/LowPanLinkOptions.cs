using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan.Fragmentation;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Link;

/// <summary>Identity and policies of one user-space 6LoWPAN link over an 802.15.4 interface.</summary>
public sealed class LowPanLinkOptions
{
    /// <summary>aMaxPhyPacketSize (127, IEEE 802.15.4-2015 §11.3) minus the 2-byte FCS the radio appends.</summary>
    public const int MaxFrameLength = 127 - Fcs.Length;

    public ushort PanId { get; set; } = 0xFFFF;
    /// <summary>Our EUI-64, printed order (as iwpan shows it).</summary>
    public ulong ExtendedAddress { get; set; }
    /// <summary>Our short address; null (or 0xFFFE/0xFFFF) when unassigned.</summary>
    public ushort? ShortAddress { get; set; }
    /// <summary>Send frames with our short address as source when one is assigned (default: extended, like the kernel).</summary>
    public bool UseShortSource { get; set; }
    /// <summary>Ask for acknowledgment on unicast frames.</summary>
    public bool AckRequest { get; set; }
    /// <summary>Frame version of frames we send.</summary>
    public MacFrameVersion FrameVersion { get; set; } = MacFrameVersion.Ieee2003;
    public ContextTable Contexts { get; set; } = new();
    public IphcEncoderOptions CompressionOptions { get; set; } = IphcEncoderOptions.Default;
    public ReassemblyOptions Reassembly { get; set; } = new();
    /// <summary>Extra IPv6 addresses (besides the link-local one) we answer Neighbor Solicitations for.</summary>
    public IList<byte[]> Addresses { get; } = [];
    /// <summary>Largest neighbour table (oldest entries are evicted).</summary>
    public int MaxNeighbours { get; set; } = 256;

    /// <summary>
    /// Resolve unicast destinations that are neither in the neighbour table nor link-local with Neighbor Solicitations
    /// (RFC 4861 §7.2) instead of mapping their interface identifier. Needed when the host's global addresses are not
    /// derived from the link-layer address (a TUN bridge towards a kernel 6LoWPAN node). Link-local destinations always
    /// map from the IID (RFC 4944 §7).
    /// </summary>
    public bool NeighbourDiscovery { get; set; }
    /// <summary>How long a packet waits for a Neighbor Advertisement (RFC 4861 MAX_MULTICAST_SOLICIT × RETRANS_TIMER = 3 s).</summary>
    public TimeSpan NeighbourResolutionTimeout { get; set; } = TimeSpan.FromSeconds(3);

    internal bool HasShortAddress => ShortAddress is { } s && s < 0xFFFE;
}
