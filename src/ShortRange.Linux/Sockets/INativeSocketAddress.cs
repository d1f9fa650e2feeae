namespace ShortRange.Linux.Sockets;

/// <summary>
/// A Linux sockaddr that serializes to the exact bytes the kernel expects (native byte order for the family field,
/// the family's own layout for the rest). Implemented by small readonly structs, one per family.
/// </summary>
public interface INativeSocketAddress
{
    /// <summary>The kernel address family (<see cref="LinuxAddressFamily"/>).</summary>
    int Family { get; }

    /// <summary>sizeof(struct sockaddr_xxx) — the addrlen passed to bind/connect.</summary>
    int Size { get; }

    /// <summary>Writes exactly <see cref="Size"/> bytes (padding zeroed) into <paramref name="destination"/>.</summary>
    void WriteTo(Span<byte> destination);
}

/// <summary>Helpers for <see cref="INativeSocketAddress"/>.</summary>
public static class NativeSocketAddressExtensions
{
    /// <summary>The serialized sockaddr as a new array.</summary>
    public static byte[] ToBytes<T>(this T address) where T : INativeSocketAddress
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = new byte[address.Size];
        address.WriteTo(bytes);
        return bytes;
    }
}
