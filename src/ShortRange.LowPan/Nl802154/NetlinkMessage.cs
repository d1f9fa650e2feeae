using System.Buffers.Binary;
using System.Text;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Nl802154;

/// <summary>Builds one netlink request: nlmsghdr, a family header, then attributes (4-byte aligned). Pure code.</summary>
internal sealed class NetlinkRequestBuilder
{
    private readonly byte[] _buffer = new byte[512];
    private int _length;

    public NetlinkRequestBuilder(ushort type, ushort flags, uint sequence, ReadOnlySpan<byte> familyHeader)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), sequence);
        familyHeader.CopyTo(_buffer.AsSpan(NetlinkConstants.NlMsgHdrLength));
        _length = Align(NetlinkConstants.NlMsgHdrLength + familyHeader.Length);
    }

    public static NetlinkRequestBuilder Generic(ushort family, byte command, ushort flags, uint sequence) =>
        new(family, flags, sequence, [command, 1, 0, 0]);

    public NetlinkRequestBuilder Put(ushort type, ReadOnlySpan<byte> value)
    {
        int total = 4 + value.Length;
        if (_length + Align(total) > _buffer.Length) throw new ArgumentException("Netlink request too large.");
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length), (ushort)total);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length + 2), type);
        value.CopyTo(_buffer.AsSpan(_length + 4));
        _length += Align(total);
        return this;
    }

    public NetlinkRequestBuilder PutU8(ushort type, byte v) => Put(type, [v]);
    public NetlinkRequestBuilder PutU32(ushort type, uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return Put(type, b); }
    public NetlinkRequestBuilder PutLe16(ushort type, ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); return Put(type, b); }
    public NetlinkRequestBuilder PutLe64(ushort type, ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return Put(type, b); }

    public NetlinkRequestBuilder PutString(ushort type, string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return Put(type, bytes);
    }

    public byte[] Build()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        return _buffer.AsSpan(0, _length).ToArray();
    }

    internal static int Align(int n) => (n + 3) & ~3;
}

/// <summary>Attribute lookup over one message's attribute area. Lengths are validated before use.</summary>
internal readonly struct NetlinkAttributes
{
    private readonly Dictionary<ushort, byte[]> _values;

    private NetlinkAttributes(Dictionary<ushort, byte[]> values) => _values = values;

    public static NetlinkAttributes Parse(ReadOnlySpan<byte> area)
    {
        var values = new Dictionary<ushort, byte[]>();
        while (area.Length >= 4)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(area);
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(area[2..]) & NetlinkConstants.NLA_TYPE_MASK);
            if (len < 4 || len > area.Length) ThrowHelper.Format(DropReason.Truncated, "Netlink attribute overruns its message.");
            values[type] = area[4..len].ToArray();
            area = area[Math.Min(area.Length, NetlinkRequestBuilder.Align(len))..];
        }
        return new NetlinkAttributes(values);
    }

    public bool Has(ushort type) => _values.ContainsKey(type);
    public byte? U8(ushort type) => _values.TryGetValue(type, out var v) && v.Length >= 1 ? v[0] : null;
    public ushort? Le16(ushort type) => _values.TryGetValue(type, out var v) && v.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(v) : null;
    public uint? U32(ushort type) => _values.TryGetValue(type, out var v) && v.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(v) : null;
    public ulong? Le64(ushort type) => _values.TryGetValue(type, out var v) && v.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(v) : null;

    public string? String(ushort type)
    {
        if (!_values.TryGetValue(type, out var v)) return null;
        int nul = Array.IndexOf(v, (byte)0);
        return Encoding.UTF8.GetString(v, 0, nul < 0 ? v.Length : nul);
    }
}

/// <summary>One message of a netlink reply.</summary>
internal readonly record struct NetlinkReply(ushort Type, ushort Flags, uint Sequence, byte[] Payload)
{
    /// <summary>Splits a datagram into messages (nlmsghdr length-validated).</summary>
    public static List<NetlinkReply> Split(ReadOnlySpan<byte> datagram)
    {
        var list = new List<NetlinkReply>();
        while (datagram.Length >= NetlinkConstants.NlMsgHdrLength)
        {
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (len < NetlinkConstants.NlMsgHdrLength || len > datagram.Length) ThrowHelper.Format(DropReason.Truncated, "Netlink message overruns its datagram.");
            list.Add(new NetlinkReply(BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]), BinaryPrimitives.ReadUInt16LittleEndian(datagram[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]), datagram[NetlinkConstants.NlMsgHdrLength..len].ToArray()));
            datagram = datagram[Math.Min(datagram.Length, NetlinkRequestBuilder.Align(len))..];
        }
        return list;
    }

    /// <summary>For NLMSG_ERROR: the (positive) errno, 0 for an ACK.</summary>
    public int Errno => Payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(Payload) : 0;
}
