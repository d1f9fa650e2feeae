using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.Link;

/// <summary>
/// IPv6 address → link-layer address map, filled from received packets and Neighbor Discovery options.
/// Bounded: the least recently updated entry is evicted. Thread-safe.
/// </summary>
public sealed class NeighbourTable
{
    private readonly Dictionary<UInt128, (MacAddress Address, long Stamp)> _entries = [];
    private readonly int _capacity;
    private long _clock;

    public NeighbourTable(int capacity) => _capacity = capacity;

    public int Count { get { lock (_entries) return _entries.Count; } }

    public void Learn(ReadOnlySpan<byte> ipv6, MacAddress address)
    {
        if (address.Mode is not (AddressingMode.Short or AddressingMode.Extended) || address.IsBroadcast) return;
        var key = Key(ipv6);
        lock (_entries)
        {
            if (!_entries.ContainsKey(key) && _entries.Count >= _capacity)
            {
                var oldest = _entries.MinBy(e => e.Value.Stamp).Key;
                _entries.Remove(oldest);
            }
            _entries[key] = (address, ++_clock);
        }
    }

    public bool TryGet(ReadOnlySpan<byte> ipv6, out MacAddress address)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(Key(ipv6), out var e)) { address = e.Address; return true; }
        }
        address = default;
        return false;
    }

    private static UInt128 Key(ReadOnlySpan<byte> a) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(a);
}
