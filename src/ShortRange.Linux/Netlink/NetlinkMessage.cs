using System.Buffers.Binary;

namespace ShortRange.Linux.Netlink;

/// <summary>One netlink message: struct nlmsghdr fields and its payload (family header + attributes).</summary>
public sealed record NetlinkMessage(ushort Type, ushort Flags, uint Sequence, uint PortId, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Serializes nlmsghdr + payload (nlmsg_len set, padded to 4).</summary>
    public byte[] ToBytes()
    {
        int len = NetlinkConstants.NLMSG_HDRLEN + Payload.Length;
        var b = new byte[NetlinkConstants.Align(len)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)len);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), Type);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), PortId);
        Payload.Span.CopyTo(b.AsSpan(NetlinkConstants.NLMSG_HDRLEN));
        return b;
    }

    /// <summary>
    /// Splits one received datagram into messages. Each nlmsg_len is validated against the datagram before use;
    /// a hostile length throws <see cref="NetlinkFormatException"/>. Payloads are copied (the buffer may be reused).
    /// </summary>
    public static List<NetlinkMessage> ParseDatagram(ReadOnlySpan<byte> datagram)
    {
        var list = new List<NetlinkMessage>();
        while (datagram.Length > 0)
        {
            if (datagram.Length < NetlinkConstants.NLMSG_HDRLEN)
                throw new NetlinkFormatException($"{datagram.Length} trailing bytes are too short for an nlmsghdr");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (len < NetlinkConstants.NLMSG_HDRLEN || len > (uint)datagram.Length)
                throw new NetlinkFormatException($"nlmsg_len {len} is outside 16..{datagram.Length}");
            list.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(datagram[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]),
                BinaryPrimitives.ReadUInt32LittleEndian(datagram[12..]),
                datagram[NetlinkConstants.NLMSG_HDRLEN..(int)len].ToArray()));
            datagram = datagram[Math.Min(NetlinkConstants.Align((int)len), datagram.Length)..];
        }
        return list;
    }
}
