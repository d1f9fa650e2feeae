using System.Buffers.Binary;
using System.Text;

namespace ShortRange.Linux.Netlink;

/// <summary>
/// Builds a netlink payload: an optional fixed header (ifinfomsg, genlmsghdr…) followed by attributes, each padded to
/// NLA_ALIGNTO; nested attributes are opened with <see cref="BeginNested"/> and their length back-patched by <see cref="EndNested"/>.
/// </summary>
public sealed class NetlinkAttributeWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Appends raw bytes (a fixed family header), padded to 4.</summary>
    public NetlinkAttributeWriter WriteRaw(ReadOnlySpan<byte> bytes)
    {
        var d = Reserve(NetlinkConstants.Align(bytes.Length));
        bytes.CopyTo(d);
        return this;
    }

    public NetlinkAttributeWriter Write(ushort type, ReadOnlySpan<byte> value)
    {
        int len = NetlinkConstants.NLA_HDRLEN + value.Length;
        if (len > ushort.MaxValue) throw new ArgumentException($"attribute {type} is {len} bytes; nla_len is 16-bit");
        var d = Reserve(NetlinkConstants.Align(len));
        BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)len);
        BinaryPrimitives.WriteUInt16LittleEndian(d[2..], type);
        value.CopyTo(d[NetlinkConstants.NLA_HDRLEN..]);
        return this;
    }

    public NetlinkAttributeWriter WriteByte(ushort type, byte value) => Write(type, [value]);

    public NetlinkAttributeWriter WriteUInt16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return Write(type, b);
    }

    public NetlinkAttributeWriter WriteUInt32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Write(type, b);
    }

    public NetlinkAttributeWriter WriteUInt64(ushort type, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        return Write(type, b);
    }

    /// <summary>A NUL-terminated string (NLA_NUL_STRING / NLA_STRING as the kernel accepts both).</summary>
    public NetlinkAttributeWriter WriteString(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return Write(type, bytes);
    }

    public NetlinkAttributeWriter WriteFlag(ushort type) => Write(type, ReadOnlySpan<byte>.Empty);

    /// <summary>Opens a nested attribute (NLA_F_NESTED set); returns a token for <see cref="EndNested"/>.</summary>
    public int BeginNested(ushort type)
    {
        int start = _length;
        var d = Reserve(NetlinkConstants.NLA_HDRLEN);
        BinaryPrimitives.WriteUInt16LittleEndian(d[2..], (ushort)(type | NetlinkConstants.NLA_F_NESTED));
        return start;
    }

    public void EndNested(int token)
    {
        int len = _length - token;
        if (len > ushort.MaxValue) throw new InvalidOperationException("nested attribute exceeds 65535 bytes");
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(token), (ushort)len);
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var s = _buffer.AsSpan(_length, count);
        s.Clear();
        _length += count;
        return s;
    }
}
