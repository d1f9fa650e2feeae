using System.Buffers.Binary;

namespace ShortRange.LowPan.Capture;

/// <summary>
/// Writes 802.15.4 frames to a classic pcap file (tcpdump/Wireshark format) so captures of this stack can be opened
/// with tshark. Link type LINKTYPE_IEEE802_15_4_NOFCS (230) for frames as AF_PACKET delivers them,
/// LINKTYPE_IEEE802_15_4_WITHFCS (195) for frames that end in an FCS. Thread-safe.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const uint LinkTypeIeee802154NoFcs = 230;
    public const uint LinkTypeIeee802154WithFcs = 195;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Lock _lock = new();

    public PcapWriter(Stream stream, uint linkType = LinkTypeIeee802154NoFcs, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xA1B2C3D4);   // magic, microsecond timestamps
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);       // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);       // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0);      // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 65535);  // snaplen
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], linkType);
        _stream.Write(h);
    }

    public void Write(ReadOnlySpan<byte> frame, DateTimeOffset timestamp)
    {
        Span<byte> r = stackalloc byte[16];
        long us = (timestamp - DateTimeOffset.UnixEpoch).Ticks / 10;
        BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)(us / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(r[4..], (uint)(us % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(r[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(r[12..], (uint)frame.Length);
        lock (_lock)
        {
            _stream.Write(r);
            _stream.Write(frame);
        }
    }

    public void Flush()
    {
        lock (_lock) _stream.Flush();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream.Flush();
            if (!_leaveOpen) _stream.Dispose();
        }
    }
}
