using System.Buffers.Binary;

namespace ShortRange.Linux.Sockets;

internal static class SockaddrHelpers
{
    /// <summary>Clears <paramref name="size"/> bytes and writes the family (sa_family_t, host order).</summary>
    public static Span<byte> Begin(Span<byte> destination, int size, int family)
    {
        if (destination.Length < size)
            throw new ArgumentException($"destination needs {size} bytes, has {destination.Length}", nameof(destination));
        var d = destination[..size];
        d.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)family); // all .NET Linux targets are little-endian
        return d;
    }

    public static ReadOnlySpan<byte> Check(ReadOnlySpan<byte> source, int size, int family, string name)
    {
        if (source.Length < size)
            throw new ArgumentException($"{name} needs {size} bytes, got {source.Length}", nameof(source));
        int f = BinaryPrimitives.ReadUInt16LittleEndian(source);
        if (f != family)
            throw new ArgumentException($"{name} expects family {LinuxAddressFamily.Name(family)}, got {LinuxAddressFamily.Name(f)}", nameof(source));
        return source;
    }
}
