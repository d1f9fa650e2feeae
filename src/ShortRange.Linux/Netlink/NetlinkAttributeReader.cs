using System.Buffers.Binary;

namespace ShortRange.Linux.Netlink;

/// <summary>
/// Enumerates struct nlattr entries in a span (use with foreach). Every nla_len is validated against the remaining
/// bytes before use: a hostile length throws <see cref="NetlinkFormatException"/>, never reads past the span or allocates.
/// </summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;
    private NetlinkAttribute _current;

    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        _current = default;
    }

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public readonly NetlinkAttribute Current => _current;

    public bool MoveNext()
    {
        if (_rest.Length == 0) return false;
        if (_rest.Length < NetlinkConstants.NLA_HDRLEN)
            throw new NetlinkFormatException($"{_rest.Length} trailing bytes are too short for an nlattr header");
        int len = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
        if (len < NetlinkConstants.NLA_HDRLEN || len > _rest.Length)
            throw new NetlinkFormatException($"nlattr type {type & NetlinkConstants.NLA_TYPE_MASK} has nla_len {len}, but {_rest.Length} bytes remain");
        _current = new NetlinkAttribute(type, _rest[NetlinkConstants.NLA_HDRLEN..len]);
        int next = Math.Min(NetlinkConstants.Align(len), _rest.Length);
        _rest = _rest[next..];
        return true;
    }
}
