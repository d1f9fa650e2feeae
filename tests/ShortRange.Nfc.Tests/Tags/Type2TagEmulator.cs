namespace ShortRange.Nfc.Tests.Tags;

/// <summary>A Type 2 tag memory per the T2T spec: 4-byte pages, READ wraps at the end, WRITE to pages 0–1 NAKs, ACK 0xA / NAK 0x0.</summary>
internal sealed class Type2TagEmulator
{
    public byte[] Memory { get; }
    public List<int> WrittenPages { get; } = [];

    public Type2TagEmulator(int dataBytes, bool readOnly = false)
    {
        Memory = new byte[16 + dataBytes];
        Memory[12] = 0xE1; Memory[13] = 0x10; Memory[14] = (byte)(dataBytes / 8); Memory[15] = readOnly ? (byte)0x0F : (byte)0x00;
        Memory[16] = 0x03; Memory[17] = 0x00; Memory[18] = 0xFE; // empty NDEF TLV + terminator
    }

    public ValueTask<ReadOnlyMemory<byte>> Transceive(ReadOnlyMemory<byte> cmd, CancellationToken ct)
    {
        var c = cmd.Span;
        int pages = Memory.Length / 4;
        if (c.Length == 2 && c[0] == 0x30 && c[1] < pages)
        {
            var r = new byte[16];
            for (int i = 0; i < 16; i++) r[i] = Memory[(c[1] * 4 + i) % Memory.Length];
            return new(r);
        }
        if (c.Length == 6 && c[0] == 0xA2 && c[1] >= 2 && c[1] < pages && !(Memory[15] != 0 && c[1] >= 4))
        {
            c[2..].CopyTo(Memory.AsSpan(c[1] * 4));
            WrittenPages.Add(c[1]);
            return new(new byte[] { 0x0A });
        }
        return new(new byte[] { 0x00 });
    }
}
