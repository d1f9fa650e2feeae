using System.Buffers.Binary;
using System.Text;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// One SDP data element (Core spec Vol 3 Part B §3): a type, a size index, and either value bytes (integers, UUIDs,
/// text, URL, boolean; integers and UUIDs big-endian as on the wire) or child elements (sequence, alternative).
/// Immutable; build with the static factories, read with the As… accessors.
/// </summary>
public sealed class SdpElement : IEquatable<SdpElement>
{
    private static readonly SdpElement[] NoItems = [];

    private SdpElement(SdpElementType type, byte sizeIndex, byte[] value, SdpElement[] items)
    {
        Type = type;
        SizeIndex = sizeIndex;
        ValueBytes = value;
        ItemArray = items;
    }

    /// <summary>The type descriptor.</summary>
    public SdpElementType Type { get; }

    /// <summary>The size index (0–7, Table 3.2). Decoded elements keep the peer's choice so re-encoding is byte-exact.</summary>
    public byte SizeIndex { get; }

    internal byte[] ValueBytes { get; }
    internal SdpElement[] ItemArray { get; }

    /// <summary>The value bytes as on the wire (empty for Nil and containers).</summary>
    public ReadOnlySpan<byte> Value => ValueBytes;

    /// <summary>The child elements of a sequence or alternative (empty otherwise).</summary>
    public IReadOnlyList<SdpElement> Items => ItemArray;

    /// <summary>True for Sequence and Alternative.</summary>
    public bool IsContainer => Type is SdpElementType.Sequence or SdpElementType.Alternative;

    public static SdpElement Nil { get; } = new(SdpElementType.Nil, 0, [], NoItems);

    public static SdpElement UInt8(byte v) => new(SdpElementType.UnsignedInteger, 0, [v], NoItems);
    public static SdpElement UInt16(ushort v) => Int(SdpElementType.UnsignedInteger, 1, v, 2);
    public static SdpElement UInt32(uint v) => Int(SdpElementType.UnsignedInteger, 2, v, 4);
    public static SdpElement UInt64(ulong v) => Int(SdpElementType.UnsignedInteger, 3, v, 8);
    public static SdpElement Int8(sbyte v) => new(SdpElementType.SignedInteger, 0, [(byte)v], NoItems);
    public static SdpElement Int16(short v) => Int(SdpElementType.SignedInteger, 1, (ulong)v, 2);
    public static SdpElement Int32(int v) => Int(SdpElementType.SignedInteger, 2, (ulong)v, 4);
    public static SdpElement Int64(long v) => Int(SdpElementType.SignedInteger, 3, (ulong)v, 8);

    /// <summary>A 128-bit integer (size index 4) from 16 big-endian bytes.</summary>
    public static SdpElement Integer128(bool signed, ReadOnlySpan<byte> bigEndian)
    {
        if (bigEndian.Length != 16) throw new ArgumentException("a 128-bit integer needs 16 bytes", nameof(bigEndian));
        return new(signed ? SdpElementType.SignedInteger : SdpElementType.UnsignedInteger, 4, bigEndian.ToArray(), NoItems);
    }

    public static SdpElement Uuid16(ushort v) => Int(SdpElementType.Uuid, 1, v, 2);
    public static SdpElement Uuid32(uint v) => Int(SdpElementType.Uuid, 2, v, 4);
    public static SdpElement Uuid128(Guid v)
    {
        var b = new byte[16];
        v.TryWriteBytes(b, bigEndian: true, out _);
        return new(SdpElementType.Uuid, 4, b, NoItems);
    }

    /// <summary>The shortest UUID form: 16-bit when <paramref name="v"/> is on the Bluetooth Base UUID, else 32-bit, else 128-bit.</summary>
    public static SdpElement Uuid(Guid v) => SdpUuid.TryGetShort(v, out uint s) ? (s <= 0xFFFF ? Uuid16((ushort)s) : Uuid32(s)) : Uuid128(v);

    public static SdpElement Boolean(bool v) => new(SdpElementType.Boolean, 0, [v ? (byte)1 : (byte)0], NoItems);

    /// <summary>A text string (UTF-8 bytes; Core spec allows any encoding, the language base attribute names it).</summary>
    public static SdpElement Text(string v) => Bytes(SdpElementType.Text, Encoding.UTF8.GetBytes(v));
    public static SdpElement Url(string v) => Bytes(SdpElementType.Url, Encoding.ASCII.GetBytes(v));

    /// <summary>Text or URL from raw bytes; the size index is the smallest that fits.</summary>
    public static SdpElement Bytes(SdpElementType type, ReadOnlySpan<byte> bytes)
    {
        if (type is not (SdpElementType.Text or SdpElementType.Url)) throw new ArgumentException("only Text and Url carry raw bytes", nameof(type));
        return new(type, SdpElementCodec.LengthSizeIndex(bytes.Length), bytes.ToArray(), NoItems);
    }

    public static SdpElement Sequence(params IEnumerable<SdpElement> items) => Container(SdpElementType.Sequence, items);
    public static SdpElement Alternative(params IEnumerable<SdpElement> items) => Container(SdpElementType.Alternative, items);

    private static SdpElement Container(SdpElementType type, IEnumerable<SdpElement> items)
    {
        var a = items.ToArray();
        int len = 0;
        foreach (var i in a) len = checked(len + SdpElementCodec.GetEncodedSize(i));
        return new(type, SdpElementCodec.LengthSizeIndex(len), [], a);
    }

    internal static SdpElement Decoded(SdpElementType type, byte sizeIndex, byte[] value, SdpElement[]? items) =>
        new(type, sizeIndex, value, items ?? NoItems);

    private static SdpElement Int(SdpElementType t, byte sizeIndex, ulong v, int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[n - 1 - i] = (byte)(v >> (8 * i));
        return new(t, sizeIndex, b, NoItems);
    }

    /// <summary>An unsigned integer of 1–8 bytes as ulong (throws <see cref="SdpFormatException"/> for other types or 128-bit values).</summary>
    public ulong AsUInt64()
    {
        if (Type != SdpElementType.UnsignedInteger || ValueBytes.Length > 8) throw new SdpFormatException($"expected an unsigned integer of ≤ 8 bytes, got {this}");
        ulong v = 0;
        foreach (byte b in ValueBytes) v = (v << 8) | b;
        return v;
    }

    /// <summary>A signed integer of 1–8 bytes, sign-extended.</summary>
    public long AsInt64()
    {
        if (Type != SdpElementType.SignedInteger || ValueBytes.Length > 8) throw new SdpFormatException($"expected a signed integer of ≤ 8 bytes, got {this}");
        long v = (sbyte)ValueBytes[0];
        for (int i = 1; i < ValueBytes.Length; i++) v = (v << 8) | ValueBytes[i];
        return v;
    }

    /// <summary>A UUID of any size expanded to 128 bits on the Bluetooth Base UUID (§2.5.1).</summary>
    public Guid AsUuid() => Type != SdpElementType.Uuid
        ? throw new SdpFormatException($"expected a UUID, got {this}")
        : ValueBytes.Length == 16 ? new Guid(ValueBytes, bigEndian: true) : SdpUuid.FromShort(ValueBytes.Length == 2
            ? BinaryPrimitives.ReadUInt16BigEndian(ValueBytes) : BinaryPrimitives.ReadUInt32BigEndian(ValueBytes));

    /// <summary>Text or URL decoded as UTF-8 (a trailing NUL, which BlueZ includes, is dropped).</summary>
    public string AsText()
    {
        if (Type is not (SdpElementType.Text or SdpElementType.Url)) throw new SdpFormatException($"expected text, got {this}");
        var s = ValueBytes.AsSpan();
        if (s.Length > 0 && s[^1] == 0) s = s[..^1];
        return Encoding.UTF8.GetString(s);
    }

    public bool AsBoolean() => Type == SdpElementType.Boolean ? ValueBytes[0] != 0 : throw new SdpFormatException($"expected a boolean, got {this}");

    public bool Equals(SdpElement? other) =>
        other is not null && Type == other.Type && SizeIndex == other.SizeIndex && ValueBytes.AsSpan().SequenceEqual(other.ValueBytes)
        && ItemArray.AsSpan().SequenceEqual(other.ItemArray);

    public override bool Equals(object? obj) => Equals(obj as SdpElement);

    public override int GetHashCode() => HashCode.Combine(Type, SizeIndex, ValueBytes.Length, ItemArray.Length);

    public override string ToString() => Type switch
    {
        SdpElementType.Nil => "Nil",
        SdpElementType.UnsignedInteger when ValueBytes.Length <= 8 => $"UInt{ValueBytes.Length * 8} 0x{AsUInt64():X}",
        SdpElementType.SignedInteger when ValueBytes.Length <= 8 => $"Int{ValueBytes.Length * 8} {AsInt64()}",
        SdpElementType.Uuid => $"UUID{ValueBytes.Length * 8} {AsUuid()}",
        SdpElementType.Text => $"Text \"{AsText()}\"",
        SdpElementType.Url => $"URL {AsText()}",
        SdpElementType.Boolean => $"Bool {AsBoolean()}",
        SdpElementType.Sequence or SdpElementType.Alternative => $"{Type} [{string.Join(", ", ItemArray.Select(i => i.ToString()))}]",
        _ => $"{Type} {Convert.ToHexString(ValueBytes)}",
    };
}
