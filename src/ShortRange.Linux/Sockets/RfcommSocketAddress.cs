namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_rc (BlueZ lib/rfcomm.h): { sa_family_t rc_family; bdaddr_t rc_bdaddr; uint8_t rc_channel; } —
/// 10 bytes (9 of fields, padded to the 2-byte alignment of sa_family_t). Channel 0 on bind asks listen() to allocate one.
/// </summary>
/// <param name="Address">48-bit BD_ADDR, most significant byte first when printed; BDADDR_ANY is 0.</param>
/// <param name="Channel">RFCOMM server channel 1–30 (0: any on bind).</param>
public readonly record struct RfcommSocketAddress(ulong Address, byte Channel) : INativeSocketAddress
{
    public const int SizeOf = 10;
    internal const int OffsetBdaddr = 2, OffsetChannel = 8;

    public int Family => LinuxAddressFamily.AF_BLUETOOTH;
    public int Size => SizeOf;

    public void WriteTo(Span<byte> destination)
    {
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        for (int i = 0; i < 6; i++) d[OffsetBdaddr + i] = (byte)(Address >> (8 * i)); // bdaddr_t is little-endian
        d[OffsetChannel] = Channel;
    }

    /// <summary>Reads the struct; the kernel's getsockname returns 9 bytes (no padding), which is accepted.</summary>
    public static RfcommSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, OffsetChannel + 1, LinuxAddressFamily.AF_BLUETOOTH, "sockaddr_rc");
        ulong addr = 0;
        for (int i = 5; i >= 0; i--) addr = (addr << 8) | s[OffsetBdaddr + i];
        return new(addr, s[OffsetChannel]);
    }
}
