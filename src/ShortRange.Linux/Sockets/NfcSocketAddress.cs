using System.Buffers.Binary;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_nfc (linux/nfc.h): { __kernel_sa_family_t sa_family; __u32 dev_idx; __u32 target_idx; __u32 nfc_protocol; } — 16 bytes
/// (2 bytes of padding after the family).
/// </summary>
public readonly record struct NfcSocketAddress(uint DeviceIndex, uint TargetIndex, uint Protocol) : INativeSocketAddress
{
    public const int SizeOf = 16;
    internal const int OffsetDevIdx = 4, OffsetTargetIdx = 8, OffsetProtocol = 12;

    public int Family => LinuxAddressFamily.AF_NFC;
    public int Size => SizeOf;

    public void WriteTo(Span<byte> destination)
    {
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetDevIdx..], DeviceIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetTargetIdx..], TargetIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetProtocol..], Protocol);
    }

    public static NfcSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, SizeOf, LinuxAddressFamily.AF_NFC, "sockaddr_nfc");
        return new(BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetDevIdx..]), BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetTargetIdx..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetProtocol..]));
    }
}
