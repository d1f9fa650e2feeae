namespace ShortRange.Linux.Sockets;

/// <summary>Any sockaddr given as its exact bytes (the first two bytes are the family, host order). For families without a builder.</summary>
public sealed class RawSocketAddress : INativeSocketAddress
{
    private readonly byte[] _bytes;

    public RawSocketAddress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2) throw new ArgumentException("a sockaddr has at least the 2-byte family", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    public int Family => _bytes[0] | (_bytes[1] << 8);
    public int Size => _bytes.Length;
    public ReadOnlySpan<byte> Bytes => _bytes;

    public void WriteTo(Span<byte> destination) => _bytes.CopyTo(destination);
}
