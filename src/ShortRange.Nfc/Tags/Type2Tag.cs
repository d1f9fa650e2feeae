using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Tags;

/// <summary>
/// NFC Forum Type 2 Tag NDEF access (T2T Technical Specification): READ 0x30 returns 16 bytes (4 pages) from a page,
/// WRITE 0xA2 writes one 4-byte page and is answered by a 4-bit ACK 0xA. Page 3 is the capability container
/// (magic 0xE1, version, data-area size / 8, access); the data area starts at page 4 and holds TLVs.
/// </summary>
public sealed class Type2Tag(NfcTransceive transceive)
{
    public const byte READ = 0x30, WRITE = 0xA2, ACK = 0x0A, CcMagic = 0xE1;
    // TLV tags (T2T section 2.3).
    internal const byte NullTlv = 0x00, NdefTlv = 0x03, TerminatorTlv = 0xFE;
    private const int PageSize = 4, DataStartPage = 4;

    private async ValueTask<byte[]> ReadPagesAsync(int page, CancellationToken ct)
    {
        var r = await transceive(new byte[] { READ, (byte)page }, ct).ConfigureAwait(false);
        if (r.Length != 16) throw new NfcTagException($"READ page {page}: expected 16 bytes, got {r.Length}");
        return r.ToArray();
    }

    private async ValueTask<(int Size, bool ReadOnly)> ReadCcAsync(CancellationToken ct)
    {
        var cc = await ReadPagesAsync(3, ct).ConfigureAwait(false);
        if (cc[0] != CcMagic) throw new NfcTagException($"not NDEF formatted: CC magic 0x{cc[0]:X2}");
        if (cc[1] >> 4 != 1) throw new NfcTagException($"unsupported T2T mapping version {cc[1] >> 4}.{cc[1] & 0xF}");
        return (cc[2] * 8, cc[3] != 0x00);
    }

    private async ValueTask<byte[]> ReadDataAreaAsync(int size, CancellationToken ct)
    {
        var area = new byte[size];
        for (int off = 0; off < size; off += 16)
        {
            var chunk = await ReadPagesAsync(DataStartPage + off / PageSize, ct).ConfigureAwait(false);
            chunk.AsSpan(0, Math.Min(16, size - off)).CopyTo(area.AsSpan(off));
        }
        return area;
    }

    /// <summary>Finds the NDEF TLV: returns the TLV start and the value offset/length, or -1 when absent.</summary>
    internal static (int TlvStart, int ValueStart, int Length) FindNdef(ReadOnlySpan<byte> area)
    {
        int pos = 0;
        while (pos < area.Length)
        {
            byte tag = area[pos];
            if (tag == NullTlv) { pos++; continue; }
            if (tag == TerminatorTlv) break;
            if (pos + 1 >= area.Length) throw new NfcTagException("TLV length truncated");
            int len = area[pos + 1], hdr = 2;
            if (len == 0xFF)
            {
                if (pos + 3 >= area.Length) throw new NfcTagException("TLV 3-byte length truncated");
                len = (area[pos + 2] << 8) | area[pos + 3];
                hdr = 4;
            }
            if (len > area.Length - pos - hdr) throw new NfcTagException($"TLV 0x{tag:X2} length {len} exceeds the data area");
            if (tag == NdefTlv) return (pos, pos + hdr, len);
            pos += hdr + len;
        }
        return (-1, -1, 0);
    }

    /// <summary>Reads the NDEF message bytes (empty when the NDEF TLV has length 0).</summary>
    public async ValueTask<byte[]> ReadNdefAsync(CancellationToken cancellationToken = default)
    {
        var (size, _) = await ReadCcAsync(cancellationToken).ConfigureAwait(false);
        var area = await ReadDataAreaAsync(size, cancellationToken).ConfigureAwait(false);
        var (start, value, len) = FindNdef(area);
        if (start < 0) throw new NfcTagException("no NDEF TLV on the tag");
        return area.AsSpan(value, len).ToArray();
    }

    /// <summary>
    /// Writes an NDEF message: the TLV is first written with length 0, then the pages holding the length are
    /// rewritten last, so a torn write leaves an empty rather than a corrupt message (T2T section 6.4.3).
    /// </summary>
    public async ValueTask WriteNdefAsync(ReadOnlyMemory<byte> ndef, CancellationToken cancellationToken = default)
    {
        var (size, readOnly) = await ReadCcAsync(cancellationToken).ConfigureAwait(false);
        if (readOnly) throw new NfcTagException("tag is read-only (CC access byte not 0x00)");
        var area = await ReadDataAreaAsync(size, cancellationToken).ConfigureAwait(false);
        var (start, _, _) = FindNdef(area);
        if (start < 0) start = 0;
        int hdr = ndef.Length < 0xFF ? 2 : 4;
        int needed = start + hdr + ndef.Length + (start + hdr + ndef.Length < size ? 1 : 0);
        if (start + hdr + ndef.Length > size) throw new NfcTagException($"NDEF message of {ndef.Length} bytes exceeds the {size - start - hdr} bytes available");
        area[start] = NdefTlv;
        if (hdr == 2) area[start + 1] = 0;
        else { area[start + 1] = 0xFF; area[start + 2] = 0; area[start + 3] = 0; }
        ndef.Span.CopyTo(area.AsSpan(start + hdr));
        if (needed > start + hdr + ndef.Length) area[start + hdr + ndef.Length] = TerminatorTlv;
        int firstPage = start / PageSize, lastPage = (needed - 1) / PageSize;
        for (int p = firstPage; p <= lastPage; p++) await WritePageAsync(p, area.AsMemory(p * PageSize, PageSize), cancellationToken).ConfigureAwait(false);
        if (hdr == 2) area[start + 1] = (byte)ndef.Length;
        else { area[start + 2] = (byte)(ndef.Length >> 8); area[start + 3] = (byte)ndef.Length; }
        for (int p = (start + 1) / PageSize; p <= (start + hdr - 1) / PageSize; p++)
            await WritePageAsync(p, area.AsMemory(p * PageSize, PageSize), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WritePageAsync(int dataPage, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var cmd = new byte[2 + PageSize];
        cmd[0] = WRITE;
        cmd[1] = (byte)(DataStartPage + dataPage);
        data.Span.CopyTo(cmd.AsSpan(2));
        var r = await transceive(cmd, ct).ConfigureAwait(false);
        if (r.Length != 1 || (r.Span[0] & 0x0F) != ACK) throw new NfcTagException($"WRITE page {cmd[1]} not acknowledged (NAK 0x{(r.Length > 0 ? r.Span[0] : 0):X})");
    }
}
