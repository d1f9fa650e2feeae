using System.Buffers.Binary;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// Data element encode/decode (Core spec Vol 3 Part B §3.2–3.3). A header byte holds the type (high 5 bits) and the
/// size index (low 3 bits, Table 3.2): 0–4 are fixed sizes of 1, 2, 4, 8, 16 bytes; 5, 6, 7 prefix an 8-, 16- or 32-bit
/// data length. Decoding validates every type/size pairing, every length against what remains, and nesting depth,
/// so hostile input ends in <see cref="SdpFormatException"/> before any allocation larger than the input.
/// </summary>
public static class SdpElementCodec
{
    /// <summary>Deepest nesting of sequences/alternatives accepted (real records nest 3–4 deep).</summary>
    public const int MaxDepth = 32;

    /// <summary>Decodes exactly one element that fills <paramref name="source"/>.</summary>
    public static SdpElement Decode(ReadOnlySpan<byte> source)
    {
        var e = Read(source, out int used);
        if (used != source.Length) throw new SdpFormatException($"{source.Length - used} bytes follow the data element");
        return e;
    }

    /// <summary>Decodes one element from the start of <paramref name="source"/>; <paramref name="consumed"/> is its encoded length.</summary>
    public static SdpElement Read(ReadOnlySpan<byte> source, out int consumed) => Read(source, 0, out consumed);

    private static SdpElement Read(ReadOnlySpan<byte> source, int depth, out int consumed)
    {
        if (source.IsEmpty) throw new SdpFormatException("data element header missing");
        var type = (SdpElementType)(source[0] >> 3);
        byte sizeIndex = (byte)(source[0] & 0x07);
        CheckPairing(type, sizeIndex);
        int header = 1, length;
        switch (sizeIndex)
        {
            case <= 4:
                length = type == SdpElementType.Nil ? 0 : 1 << sizeIndex;
                break;
            case 5:
                if (source.Length < 2) throw new SdpFormatException("8-bit data length missing");
                length = source[1];
                header = 2;
                break;
            case 6:
                if (source.Length < 3) throw new SdpFormatException("16-bit data length missing");
                length = BinaryPrimitives.ReadUInt16BigEndian(source[1..]);
                header = 3;
                break;
            default:
                if (source.Length < 5) throw new SdpFormatException("32-bit data length missing");
                uint l32 = BinaryPrimitives.ReadUInt32BigEndian(source[1..]);
                if (l32 > (uint)(source.Length - 5)) throw new SdpFormatException($"data length {l32} exceeds the {source.Length - 5} bytes that remain");
                length = (int)l32;
                header = 5;
                break;
        }
        if (length > source.Length - header)
            throw new SdpFormatException($"{type} needs {length} data bytes, {source.Length - header} remain");
        var data = source.Slice(header, length);
        consumed = header + length;
        if (type == SdpElementType.Boolean && data[0] > 1) throw new SdpFormatException($"boolean value 0x{data[0]:X2}");
        if (type is not (SdpElementType.Sequence or SdpElementType.Alternative))
            return SdpElement.Decoded(type, sizeIndex, data.ToArray(), null);
        if (depth >= MaxDepth) throw new SdpFormatException($"data elements nested deeper than {MaxDepth}");
        var items = new List<SdpElement>();
        while (!data.IsEmpty)
        {
            items.Add(Read(data, depth + 1, out int n));
            data = data[n..];
        }
        return SdpElement.Decoded(type, sizeIndex, [], [.. items]);
    }

    // Table 3.1 / 3.2: which size indexes each type may use.
    private static void CheckPairing(SdpElementType type, byte sizeIndex)
    {
        bool ok = type switch
        {
            SdpElementType.Nil or SdpElementType.Boolean => sizeIndex == 0,
            SdpElementType.UnsignedInteger or SdpElementType.SignedInteger => sizeIndex <= 4,
            SdpElementType.Uuid => sizeIndex is 1 or 2 or 4,
            SdpElementType.Text or SdpElementType.Sequence or SdpElementType.Alternative or SdpElementType.Url => sizeIndex >= 5,
            _ => throw new SdpFormatException($"reserved data element type {(byte)type}"),
        };
        if (!ok) throw new SdpFormatException($"size index {sizeIndex} is not valid for {type}");
    }

    /// <summary>The smallest variable-length size index (5, 6, 7) for a data length.</summary>
    public static byte LengthSizeIndex(int length) => length <= byte.MaxValue ? (byte)5 : length <= ushort.MaxValue ? (byte)6 : (byte)7;

    private static int HeaderSize(byte sizeIndex) => sizeIndex switch { <= 4 => 1, 5 => 2, 6 => 3, _ => 5 };

    private static int DataLength(SdpElement e)
    {
        if (!e.IsContainer) return e.ValueBytes.Length;
        int n = 0;
        foreach (var i in e.ItemArray) n = checked(n + GetEncodedSize(i));
        return n;
    }

    /// <summary>The encoded size of <paramref name="element"/> including its header.</summary>
    public static int GetEncodedSize(SdpElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return checked(HeaderSize(element.SizeIndex) + DataLength(element));
    }

    /// <summary>Encodes <paramref name="element"/> to a new array.</summary>
    public static byte[] Encode(SdpElement element)
    {
        var b = new byte[GetEncodedSize(element)];
        Write(element, b);
        return b;
    }

    /// <summary>Writes <paramref name="element"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(SdpElement element, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(element);
        int length = DataLength(element), header = HeaderSize(element.SizeIndex);
        if (destination.Length < header + length) throw new ArgumentException("destination too small", nameof(destination));
        destination[0] = (byte)((byte)element.Type << 3 | element.SizeIndex);
        switch (element.SizeIndex)
        {
            case 5:
                if (length > byte.MaxValue) throw new SdpFormatException($"{length} bytes do not fit an 8-bit data length");
                destination[1] = (byte)length;
                break;
            case 6:
                if (length > ushort.MaxValue) throw new SdpFormatException($"{length} bytes do not fit a 16-bit data length");
                BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)length);
                break;
            case 7:
                BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
                break;
        }
        var d = destination[header..];
        if (!element.IsContainer)
        {
            element.ValueBytes.CopyTo(d);
        }
        else
        {
            foreach (var i in element.ItemArray) d = d[Write(i, d)..];
        }
        return header + length;
    }
}
