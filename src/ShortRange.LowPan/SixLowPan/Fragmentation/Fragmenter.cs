namespace ShortRange.LowPan.SixLowPan.Fragmentation;

/// <summary>
/// Splits one compressed 6LoWPAN datagram into FRAG1/FRAGN payloads (RFC 4944 §5.3), each at most
/// <c>maxPayload</c> bytes. FRAG1 carries the compressed headers plus as much payload as keeps the
/// next uncompressed offset a multiple of 8; every FRAGN but the last carries a multiple of 8 bytes.
/// </summary>
public ref struct Fragmenter
{
    private readonly ReadOnlySpan<byte> _lowpan;
    private readonly int _headerLength;
    private readonly int _consumed;
    private readonly int _maxPayload;
    private readonly ushort _tag;
    private int _sent;       // bytes of _lowpan already sent
    private bool _started;

    /// <param name="lowpan">Compressed header followed by the rest of the datagram.</param>
    /// <param name="headerLength">Compressed header length within <paramref name="lowpan"/>.</param>
    /// <param name="consumed">Uncompressed bytes that header replaces.</param>
    public Fragmenter(ReadOnlySpan<byte> lowpan, int headerLength, int consumed, ushort tag, int maxPayload)
    {
        _lowpan = lowpan;
        _headerLength = headerLength;
        _consumed = consumed;
        _tag = tag;
        _maxPayload = maxPayload;
        DatagramSize = consumed + lowpan.Length - headerLength;
        if (DatagramSize > FragmentHeader.MaxDatagramSize) throw new ArgumentException("Datagram too large for 6LoWPAN fragmentation.");
        if (!NeedsFragmentation && maxPayload < 1) throw new ArgumentOutOfRangeException(nameof(maxPayload));
        if (NeedsFragmentation && (FirstDataLength() < 0 || headerLength + FragmentHeader.Frag1Length > maxPayload))
            throw new ArgumentException("Compressed header does not fit into the first fragment.");
        if (NeedsFragmentation && maxPayload - FragmentHeader.FragNLength < 8)
            throw new ArgumentOutOfRangeException(nameof(maxPayload), "Frame payload too small for FRAGN.");
    }

    public int DatagramSize { get; }

    public readonly bool NeedsFragmentation => _lowpan.Length > _maxPayload;

    private readonly int FirstDataLength() => ((_maxPayload - FragmentHeader.Frag1Length - _headerLength + _consumed) / 8 * 8) - _consumed;

    /// <summary>Writes the next frame payload; false when everything has been written.</summary>
    public bool TryWriteNext(scoped Span<byte> destination, out int written)
    {
        written = 0;
        if (!NeedsFragmentation)
        {
            if (_started) return false;
            _started = true;
            _lowpan.CopyTo(destination);
            written = _lowpan.Length;
            _sent = _lowpan.Length;
            return true;
        }
        if (_sent >= _lowpan.Length) return false;
        if (!_started)
        {
            _started = true;
            int data = Math.Min(FirstDataLength(), _lowpan.Length - _headerLength);
            int h = new FragmentHeader(true, DatagramSize, _tag, 0).Write(destination);
            int n = _headerLength + data;
            _lowpan[..n].CopyTo(destination[h..]);
            _sent = n;
            written = h + n;
            return true;
        }
        int offset = _consumed + (_sent - _headerLength); // uncompressed offset, a multiple of 8
        int remaining = _lowpan.Length - _sent;
        int chunk = Math.Min(remaining, (_maxPayload - FragmentHeader.FragNLength) / 8 * 8);
        int hn = new FragmentHeader(false, DatagramSize, _tag, offset / 8).Write(destination);
        _lowpan.Slice(_sent, chunk).CopyTo(destination[hn..]);
        _sent += chunk;
        written = hn + chunk;
        return true;
    }
}
