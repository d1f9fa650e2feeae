using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Monitor;

/// <summary>
/// Writes btsnoop files, version 1, datalink 2001 ("Linux monitor": each record's flags carry (index &lt;&lt; 16) | opcode),
/// as BlueZ src/shared/btsnoop.h defines and btmon/Wireshark read. All header and record fields are big-endian;
/// timestamps are microseconds since 0000-01-01 (the Unix epoch is 0x00DCDDB30F2F8000).
/// </summary>
public sealed class BtSnoopWriter : IAsyncDisposable, IDisposable
{
    public const uint BTSNOOP_VERSION = 1;
    public const uint BTSNOOP_FORMAT_MONITOR = 2001;
    public const long EpochDeltaMicroseconds = 0x00DCDDB30F2F8000;
    public const int FileHeaderSize = 16, RecordHeaderSize = 24;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _recordHeader = new byte[RecordHeaderSize];

    public BtSnoopWriter(Stream stream, bool ownsStream = true)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _ownsStream = ownsStream;
        Span<byte> h = stackalloc byte[FileHeaderSize];
        "btsnoop\0"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32BigEndian(h[8..], BTSNOOP_VERSION);
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], BTSNOOP_FORMAT_MONITOR);
        _stream.Write(h);
    }

    public long Records { get; private set; }

    /// <summary>Appends one monitor frame.</summary>
    public void Write(MonitorPacket packet, DateTimeOffset timestamp, uint cumulativeDrops = 0)
    {
        var h = _recordHeader.AsSpan();
        uint len = (uint)packet.Payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(h, len);                                   // original length
        BinaryPrimitives.WriteUInt32BigEndian(h[4..], len);                              // included length
        BinaryPrimitives.WriteUInt32BigEndian(h[8..], ((uint)packet.Index << 16) | packet.Opcode); // flags
        BinaryPrimitives.WriteUInt32BigEndian(h[12..], cumulativeDrops);
        long micros = (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 + EpochDeltaMicroseconds;
        BinaryPrimitives.WriteInt64BigEndian(h[16..], micros);
        _stream.Write(h);
        _stream.Write(packet.Payload.Span);
        Records++;
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.FlushAsync().ConfigureAwait(false);
        if (_ownsStream) await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
