using System.Buffers.Binary;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Snep;

/// <summary>
/// SNEP message header (SNEP 1.0, section 2.1): version (major 4 bits, minor 4 bits), code, 32-bit big-endian information length.
/// </summary>
public readonly record struct SnepHeader(byte Version, SnepCode Code, uint Length)
{
    public const int Size = 6;

    /// <summary>SNEP 1.0 (section 2.1.1).</summary>
    public const byte Version10 = 0x10;

    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = (byte)Code;
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], Length);
    }

    /// <summary>
    /// Reads a header and checks the announced length against <paramref name="maxLength"/> before the caller
    /// allocates anything; a major version other than 1 is reported so the server can answer Unsupported Version.
    /// </summary>
    public static SnepHeader Read(ReadOnlySpan<byte> source, uint maxLength)
    {
        if (source.Length < Size) throw new SnepProtocolException($"SNEP header needs {Size} bytes, got {source.Length}");
        var h = new SnepHeader(source[0], (SnepCode)source[1], BinaryPrimitives.ReadUInt32BigEndian(source[2..]));
        if (h.Version >> 4 != Version10 >> 4)
            throw new SnepProtocolException($"unsupported SNEP version {h.Version >> 4}.{h.Version & 0xF}", (byte)SnepCode.UnsupportedVersion);
        if (h.Length > maxLength)
            throw new SnepProtocolException($"SNEP length {h.Length} exceeds the limit {maxLength}", (byte)SnepCode.ExcessData);
        return h;
    }
}
