using System.Buffers.Binary;
using System.Text;

namespace ShortRange.Linux.Netlink;

/// <summary>One struct nlattr over a span: type (flags masked off), the nested flag, and the payload.</summary>
public readonly ref struct NetlinkAttribute
{
    internal NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> payload)
    {
        RawType = rawType;
        Payload = payload;
    }

    public ushort RawType { get; }
    public ushort Type => (ushort)(RawType & NetlinkConstants.NLA_TYPE_MASK);
    public bool IsNested => (RawType & NetlinkConstants.NLA_F_NESTED) != 0;
    public ReadOnlySpan<byte> Payload { get; }

    public byte GetByte() => Payload.Length >= 1 ? Payload[0] : throw Short(1);
    public ushort GetUInt16() => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(Payload) : throw Short(2);
    public uint GetUInt32() => Payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Payload) : throw Short(4);
    public ulong GetUInt64() => Payload.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Payload) : throw Short(8);
    public int GetInt32() => (int)GetUInt32();

    /// <summary>A NUL-terminated (or unterminated) string.</summary>
    public string GetString()
    {
        int end = Payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? Payload : Payload[..end]);
    }

    /// <summary>The payload parsed as nested attributes.</summary>
    public NetlinkAttributeReader GetNested() => new(Payload);

    private NetlinkFormatException Short(int need) =>
        new($"netlink attribute {Type} has {Payload.Length} bytes, needs {need}");
}
