using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.SixLowPan.Fragmentation;

/// <summary>
/// RFC 4944 §5.3 reassembly, keyed by (link source, link destination, datagram_size, datagram_tag).
/// Offsets refer to the uncompressed datagram, so FRAG1's IPHC header is decompressed into place.
/// Overlapping or out-of-range fragments, over-limit datagrams and timeouts are dropped with a <see cref="DropReason"/>.
/// Not thread-safe: one receive loop owns it.
/// </summary>
public sealed class Reassembler
{
    private readonly ReassemblyOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<Key, Entry> _entries = [];

    public Reassembler(ReassemblyOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new ReassemblyOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    public int ActiveReassemblies => _entries.Count;
    public int BufferedBytes { get; private set; }

    /// <summary>
    /// Adds one fragment (data starting at its FRAG1/FRAGN dispatch). Returns the complete IPv6 datagram when this
    /// fragment finished it, null while incomplete. Throws <see cref="LowPanFormatException"/> when the fragment is dropped
    /// (an exact duplicate is a <see cref="DropReason.FragmentOverlap"/>).
    /// </summary>
    /// <remarks>
    /// A fragment that overlaps what is buffered for its key but is not an exact duplicate (other offset, length or bytes)
    /// means the sender reused the tag for a new datagram, or a fragment is corrupt: as RFC 4944 §5.3 requires, the buffered
    /// fragments are discarded (reported to <paramref name="onDrop"/> as <see cref="DropReason.FragmentMismatch"/>) and a
    /// fresh reassembly starts with this fragment, so two datagrams are never mixed into one.
    /// </remarks>
    public byte[]? Add(ReadOnlySpan<byte> fragment, in MacAddress source, in MacAddress destination, ContextTable? contexts,
        Action<DropReason>? onDrop = null)
    {
        ExpireStale();
        var header = FragmentHeader.Read(fragment);
        var data = fragment[header.Length..];
        if (header.DatagramSize > _options.MaxDatagramSize || header.DatagramSize < Ipv6.HeaderLength)
            ThrowHelper.Format(DropReason.FragmentOutOfRange, $"datagram_size {header.DatagramSize} outside 40..{_options.MaxDatagramSize}.");

        var key = new Key(source, destination, header.DatagramSize, header.Tag);
        bool isNew = !_entries.TryGetValue(key, out var entry);
        if (isNew)
        {
            if (_entries.Count >= _options.MaxConcurrentReassemblies || BufferedBytes + header.DatagramSize > _options.MaxBufferedBytes)
                ThrowHelper.Format(DropReason.ReassemblyLimit, "Reassembly limits reached.");
            entry = new Entry(header.DatagramSize, _time.GetTimestamp());
        }

        int start = header.ByteOffset;
        if (header.IsFirst)
        {
            Span<byte> scratch = stackalloc byte[IphcDecoder.MaxHeaderLength];
            int written, consumed, udpOffset = -1;
            if (data.IsEmpty) ThrowHelper.Format(DropReason.Truncated, "Empty FRAG1.");
            if (data[0] == Dispatch.Ipv6)
            {
                consumed = 1;
                written = 0;
            }
            else
            {
                var r = IphcDecoder.Decompress(data, source, destination, contexts, scratch, header.DatagramSize);
                consumed = r.Consumed;
                written = r.Written;
                if (r.UdpChecksumElided) udpOffset = r.UdpOffset;
            }
            int end = written + data.Length - consumed;
            CheckRange(0, end, header.DatagramSize);
            if (!isNew && entry!.Overlaps(0, end))
            {
                bool duplicate = entry.Holds(0, end) && entry.Buffer.AsSpan(0, written).SequenceEqual(scratch[..written])
                    && entry.Buffer.AsSpan(written, end - written).SequenceEqual(data[consumed..]);
                if (duplicate) ThrowHelper.Format(DropReason.FragmentOverlap, "Duplicate FRAG1.");
                entry = Restart(key, entry, onDrop);
                isNew = true;
            }
            entry!.UdpOffset = udpOffset;
            scratch[..written].CopyTo(entry.Buffer);
            data[consumed..].CopyTo(entry.Buffer.AsSpan(written));
            entry.Add(0, end);
        }
        else
        {
            if (data.IsEmpty) ThrowHelper.Format(DropReason.Truncated, "Empty FRAGN.");
            int end = start + data.Length;
            CheckRange(start, end, header.DatagramSize);
            if (!isNew && entry!.Overlaps(start, end))
            {
                if (entry.Holds(start, end) && entry.Buffer.AsSpan(start, end - start).SequenceEqual(data))
                    ThrowHelper.Format(DropReason.FragmentOverlap, $"Duplicate fragment [{start},{end}).");
                entry = Restart(key, entry, onDrop);
                isNew = true;
            }
            data.CopyTo(entry!.Buffer.AsSpan(start));
            entry.Add(start, end);
        }

        if (isNew)
        {
            _entries.Add(key, entry!);
            BufferedBytes += header.DatagramSize;
            LowPanMetrics.Reassemblies.Add(1);
        }
        if (entry!.Received < header.DatagramSize) return null;

        Remove(key, entry);
        if (entry.UdpOffset >= 0) IphcDecoder.FixUdpChecksum(entry.Buffer, entry.UdpOffset);
        return entry.Buffer;
    }

    /// <summary>Drops reassemblies older than the timeout; returns how many (each is also a ReassemblyTimeout drop).</summary>
    public int ExpireStale(Action<DropReason>? onDrop = null)
    {
        if (_entries.Count == 0) return 0;
        long now = _time.GetTimestamp();
        List<Key>? stale = null;
        foreach (var (key, entry) in _entries)
            if (_time.GetElapsedTime(entry.Started, now) >= _options.Timeout) (stale ??= []).Add(key);
        if (stale is null) return 0;
        foreach (var key in stale)
        {
            Remove(key, _entries[key]);
            TimedOut++;
            onDrop?.Invoke(DropReason.ReassemblyTimeout);
        }
        return stale.Count;
    }

    /// <summary>Reassemblies discarded by the timeout so far.</summary>
    public long TimedOut { get; private set; }

    private void Remove(Key key, Entry entry)
    {
        if (_entries.Remove(key)) LowPanMetrics.Reassemblies.Add(-1);
        BufferedBytes -= entry.Buffer.Length;
    }

    private static void CheckRange(int start, int end, int size)
    {
        if (end > size || start >= size) ThrowHelper.Format(DropReason.FragmentOutOfRange, $"Fragment [{start},{end}) outside datagram of {size}.");
    }

    /// <summary>Discards a reassembly whose fragments conflict with a new one (tag reuse) and returns a fresh entry for the key.</summary>
    private Entry Restart(Key key, Entry old, Action<DropReason>? onDrop)
    {
        Remove(key, old);
        Conflicts++;
        onDrop?.Invoke(DropReason.FragmentMismatch);
        return new Entry(old.Buffer.Length, _time.GetTimestamp());
    }

    /// <summary>Reassemblies discarded because a conflicting fragment (tag reuse) restarted them.</summary>
    public long Conflicts { get; private set; }

    private readonly record struct Key(MacAddress Source, MacAddress Destination, int Size, ushort Tag);

    private sealed class Entry(int size, long started)
    {
        private readonly List<(int Start, int End)> _ranges = [];
        public byte[] Buffer { get; } = new byte[size];
        public long Started { get; } = started;
        public int Received { get; private set; }
        public int UdpOffset { get; set; } = -1;

        public bool Overlaps(int start, int end)
        {
            foreach (var (s, e) in _ranges)
                if (start < e && s < end) return true;
            return false;
        }

        /// <summary>Exactly [start, end) was received before, as one fragment.</summary>
        public bool Holds(int start, int end) => _ranges.Contains((start, end));

        public void Add(int start, int end)
        {
            _ranges.Add((start, end));
            Received += end - start;
        }
    }
}
