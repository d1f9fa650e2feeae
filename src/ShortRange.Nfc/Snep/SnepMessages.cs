using System.Buffers.Binary;

namespace ShortRange.Nfc.Snep;

/// <summary>Builds complete SNEP messages and splits them into fragments no larger than the link MIU (SNEP 1.0, section 5.1).</summary>
public static class SnepMessages
{
    public static byte[] Put(ReadOnlySpan<byte> ndef) => Build(SnepCode.Put, [], ndef);

    /// <summary>GET request: 4-byte acceptable length, then the NDEF message identifying what is wanted (section 3.1.2.2).</summary>
    public static byte[] Get(uint acceptableLength, ReadOnlySpan<byte> ndef)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, acceptableLength);
        return Build(SnepCode.Get, len, ndef);
    }

    public static byte[] Response(SnepCode code, ReadOnlySpan<byte> information = default) => Build(code, [], information);

    private static byte[] Build(SnepCode code, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> body)
    {
        var buf = new byte[SnepHeader.Size + prefix.Length + body.Length];
        new SnepHeader(SnepHeader.Version10, code, (uint)(prefix.Length + body.Length)).Write(buf);
        prefix.CopyTo(buf.AsSpan(SnepHeader.Size));
        body.CopyTo(buf.AsSpan(SnepHeader.Size + prefix.Length));
        return buf;
    }

    /// <summary>
    /// Splits a message into the first fragment and the rest; the sender must wait for Continue after the first
    /// fragment and stop on Reject (section 5.1).
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Fragment(ReadOnlyMemory<byte> message, int miu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(miu, SnepHeader.Size);
        for (int pos = 0; pos < message.Length; pos += miu)
            yield return message.Slice(pos, Math.Min(miu, message.Length - pos));
    }
}
