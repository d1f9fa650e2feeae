namespace ShortRange.LowPan.Ieee802154;

/// <summary>
/// The 16-bit FCS of IEEE 802.15.4-2015 §7.2.10: ITU-T CRC with generator x^16 + x^12 + x^5 + 1,
/// initial value 0, bits processed least-significant first, sent least-significant byte first
/// (the same CRC the kernel calls crc_ccitt; check value over "123456789" is 0x2189).
/// </summary>
public static class Fcs
{
    /// <summary>FCS length in octets (FCS_LEN in the kernel's ieee802154.h).</summary>
    public const int Length = 2;

    private static readonly ushort[] Table = BuildTable();

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            ushort crc = (ushort)i;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0x8408) : (ushort)(crc >> 1);
            table[i] = crc;
        }
        return table;
    }

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (byte b in data)
            crc = (ushort)((crc >> 8) ^ Table[(crc ^ b) & 0xFF]);
        return crc;
    }

    /// <summary>True when the last two bytes of <paramref name="frameWithFcs"/> are the FCS of the rest.</summary>
    public static bool Check(ReadOnlySpan<byte> frameWithFcs) =>
        frameWithFcs.Length >= Length &&
        Compute(frameWithFcs[..^Length]) == (frameWithFcs[^2] | (frameWithFcs[^1] << 8));

    /// <summary>Appends the FCS after <paramref name="length"/> bytes of <paramref name="frame"/>; returns the new length.</summary>
    public static int Append(Span<byte> frame, int length)
    {
        ushort crc = Compute(frame[..length]);
        frame[length] = (byte)crc;
        frame[length + 1] = (byte)(crc >> 8);
        return length + Length;
    }
}
