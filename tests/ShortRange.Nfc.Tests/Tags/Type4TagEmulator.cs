namespace ShortRange.Nfc.Tests.Tags;

/// <summary>A Type 4 tag per T4T 2.0: NDEF application, CC file E103, NDEF file E104; unknown commands answer 6D00, bad selects 6A82.</summary>
internal sealed class Type4TagEmulator
{
    private static readonly byte[] Aid = [0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01];
    private readonly byte[] _cc;
    public byte[] NdefFile { get; }
    private byte[]? _selected;
    private bool _appSelected;

    public Type4TagEmulator(int fileSize, int mle = 0x3B, int mlc = 0x34, bool readOnly = false)
    {
        NdefFile = new byte[fileSize];
        _cc = [0x00, 0x0F, 0x20, (byte)(mle >> 8), (byte)mle, (byte)(mlc >> 8), (byte)mlc, 0x04, 0x06, 0xE1, 0x04, (byte)(fileSize >> 8), (byte)fileSize, 0x00, readOnly ? (byte)0xFF : (byte)0x00];
    }

    private static ReadOnlyMemory<byte> Sw(int sw, ReadOnlySpan<byte> data = default) => (byte[])[.. data, (byte)(sw >> 8), (byte)sw];

    public ValueTask<ReadOnlyMemory<byte>> Transceive(ReadOnlyMemory<byte> cmd, CancellationToken ct)
    {
        var c = cmd.Span;
        if (c.Length < 4 || c[0] != 0x00) return new(Sw(0x6E00));
        switch (c[1])
        {
            case 0xA4 when c[2] == 0x04:
                _appSelected = c.Length >= 5 + Aid.Length && c.Slice(5, c[4]).SequenceEqual(Aid);
                return new(Sw(_appSelected ? 0x9000 : 0x6A82));
            case 0xA4 when c[2] == 0x00 && c.Length == 7 && _appSelected:
                _selected = (c[5], c[6]) switch { (0xE1, 0x03) => _cc, (0xE1, 0x04) => NdefFile, _ => null };
                return new(Sw(_selected is null ? 0x6A82 : 0x9000));
            case 0xB0 when _selected is not null && c.Length == 5:
            {
                int off = (c[2] << 8) | c[3], le = c[4];
                if (off + le > _selected.Length || le > ((_cc[3] << 8) | _cc[4])) return new(Sw(0x6700));
                return new(Sw(0x9000, _selected.AsSpan(off, le)));
            }
            case 0xD6 when _selected == NdefFile && c.Length >= 5:
            {
                int off = (c[2] << 8) | c[3], lc = c[4];
                if (_cc[14] != 0) return new(Sw(0x6982));
                if (c.Length != 5 + lc || off + lc > NdefFile.Length || lc > ((_cc[5] << 8) | _cc[6])) return new(Sw(0x6700));
                c.Slice(5, lc).CopyTo(NdefFile.AsSpan(off));
                return new(Sw(0x9000));
            }
            default: return new(Sw(0x6D00));
        }
    }
}
