using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Tags;

/// <summary>
/// NFC Forum Type 4 Tag NDEF access (T4T 2.0, section 5): SELECT the NDEF Tag Application D2760000850101, SELECT and
/// READ BINARY the capability container E103, then the NDEF file (2-byte NLEN then message); UPDATE BINARY to write.
/// Status words other than 90 00 become <see cref="NfcTagException"/>.
/// </summary>
public sealed class Type4Tag(NfcTransceive transceive)
{
    internal static readonly byte[] NdefAid = [0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01];
    private const ushort CcFileId = 0xE103;

    private async ValueTask<ReadOnlyMemory<byte>> ApduAsync(byte[] apdu, CancellationToken ct)
    {
        var r = await transceive(apdu, ct).ConfigureAwait(false);
        if (r.Length < 2) throw new NfcTagException($"APDU {apdu[1]:X2}: response of {r.Length} bytes lacks a status word");
        var sw = (r.Span[^2] << 8) | r.Span[^1];
        if (sw != 0x9000) throw new NfcTagException($"APDU INS 0x{apdu[1]:X2} failed with SW {sw:X4}");
        return r[..^2];
    }

    private ValueTask<ReadOnlyMemory<byte>> SelectFileAsync(ushort id, CancellationToken ct) =>
        ApduAsync([0x00, 0xA4, 0x00, 0x0C, 0x02, (byte)(id >> 8), (byte)id], ct);

    private async ValueTask<byte[]> ReadBinaryAsync(int offset, int length, int mle, CancellationToken ct)
    {
        var result = new byte[length];
        for (int done = 0; done < length;)
        {
            int n = Math.Min(mle, length - done), at = offset + done;
            var r = await ApduAsync([0x00, 0xB0, (byte)(at >> 8), (byte)at, (byte)n], ct).ConfigureAwait(false);
            if (r.Length == 0 || r.Length > n) throw new NfcTagException($"READ BINARY returned {r.Length} bytes for {n} requested");
            r.Span.CopyTo(result.AsSpan(done));
            done += r.Length;
        }
        return result;
    }

    private async ValueTask<(ushort FileId, int MaxSize, bool Writable, int Mle, int Mlc)> OpenAsync(CancellationToken ct)
    {
        await ApduAsync([0x00, 0xA4, 0x04, 0x00, (byte)NdefAid.Length, .. NdefAid, 0x00], ct).ConfigureAwait(false);
        await SelectFileAsync(CcFileId, ct).ConfigureAwait(false);
        var cc = await ReadBinaryAsync(0, 15, 15, ct).ConfigureAwait(false);
        int mle = (cc[3] << 8) | cc[4], mlc = (cc[5] << 8) | cc[6];
        if (cc[7] != 0x04 || cc[8] < 6) throw new NfcTagException($"CC lacks an NDEF File Control TLV (T=0x{cc[7]:X2})");
        if (mle < 1 || mlc < 1) throw new NfcTagException("CC announces MLe or MLc of 0");
        return ((ushort)((cc[9] << 8) | cc[10]), (cc[11] << 8) | cc[12], cc[14] == 0x00, Math.Min(mle, 255), Math.Min(mlc, 255));
    }

    public async ValueTask<byte[]> ReadNdefAsync(CancellationToken cancellationToken = default)
    {
        var (file, max, _, mle, _) = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await SelectFileAsync(file, cancellationToken).ConfigureAwait(false);
        var nlen = await ReadBinaryAsync(0, 2, mle, cancellationToken).ConfigureAwait(false);
        int len = (nlen[0] << 8) | nlen[1];
        if (len > max - 2) throw new NfcTagException($"NLEN {len} exceeds the NDEF file size {max}");
        return await ReadBinaryAsync(2, len, mle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes NLEN 0, then the message, then the real NLEN (T4T section 5.5).</summary>
    public async ValueTask WriteNdefAsync(ReadOnlyMemory<byte> ndef, CancellationToken cancellationToken = default)
    {
        var (file, max, writable, _, mlc) = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!writable) throw new NfcTagException("NDEF file is read-only (write access byte not 0x00)");
        if (ndef.Length > max - 2) throw new NfcTagException($"NDEF message of {ndef.Length} bytes exceeds the {max - 2} bytes available");
        await SelectFileAsync(file, cancellationToken).ConfigureAwait(false);
        await UpdateAsync(0, new byte[2], cancellationToken).ConfigureAwait(false);
        for (int done = 0; done < ndef.Length; done += mlc)
            await UpdateAsync(2 + done, ndef.Slice(done, Math.Min(mlc, ndef.Length - done)).ToArray(), cancellationToken).ConfigureAwait(false);
        await UpdateAsync(0, [(byte)(ndef.Length >> 8), (byte)ndef.Length], cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<ReadOnlyMemory<byte>> UpdateAsync(int offset, byte[] data, CancellationToken ct) =>
        ApduAsync([0x00, 0xD6, (byte)(offset >> 8), (byte)offset, (byte)data.Length, .. data], ct);
}
