using System.Buffers.Binary;
using System.Text;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_nfc_llcp (linux/nfc.h): { sa_family; dev_idx; target_idx; nfc_protocol; __u8 dsap; __u8 ssap;
/// char service_name[NFC_LLCP_MAX_SERVICE_NAME]; size_t service_name_len; } — 96 bytes on 64-bit: service_name ends at
/// offset 81 and size_t service_name_len is aligned up to offset 88.
/// </summary>
/// <param name="ServiceName">LLCP service name (e.g. "urn:nfc:sn:snep"), at most 63 bytes of ASCII/UTF-8; empty binds by SAP only.</param>
public readonly record struct NfcLlcpSocketAddress(uint DeviceIndex, uint TargetIndex, uint Protocol, byte Dsap, byte Ssap, string ServiceName)
    : INativeSocketAddress
{
    public const int SizeOf = 96;
    internal const int OffsetDevIdx = 4, OffsetTargetIdx = 8, OffsetProtocol = 12, OffsetDsap = 16, OffsetSsap = 17,
        OffsetServiceName = 18, OffsetServiceNameLen = 88;

    public int Family => LinuxAddressFamily.AF_NFC;
    public int Size => SizeOf;

    public void WriteTo(Span<byte> destination)
    {
        var name = ServiceName ?? string.Empty;
        int len = Encoding.UTF8.GetByteCount(name);
        if (len > NfcSocketConstants.NFC_LLCP_MAX_SERVICE_NAME)
            throw new ArgumentException($"LLCP service name is {len} bytes; the kernel allows {NfcSocketConstants.NFC_LLCP_MAX_SERVICE_NAME}");
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetDevIdx..], DeviceIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetTargetIdx..], TargetIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(d[OffsetProtocol..], Protocol);
        d[OffsetDsap] = Dsap;
        d[OffsetSsap] = Ssap;
        Encoding.UTF8.GetBytes(name, d.Slice(OffsetServiceName, NfcSocketConstants.NFC_LLCP_MAX_SERVICE_NAME));
        BinaryPrimitives.WriteUInt64LittleEndian(d[OffsetServiceNameLen..], (ulong)len);
    }

    public static NfcLlcpSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, SizeOf, LinuxAddressFamily.AF_NFC, "sockaddr_nfc_llcp");
        ulong len = BinaryPrimitives.ReadUInt64LittleEndian(s[OffsetServiceNameLen..]);
        if (len > NfcSocketConstants.NFC_LLCP_MAX_SERVICE_NAME)
            throw new ArgumentException($"sockaddr_nfc_llcp.service_name_len {len} exceeds {NfcSocketConstants.NFC_LLCP_MAX_SERVICE_NAME}", nameof(source));
        return new(BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetDevIdx..]), BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetTargetIdx..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[OffsetProtocol..]), s[OffsetDsap], s[OffsetSsap],
            Encoding.UTF8.GetString(s.Slice(OffsetServiceName, (int)len)));
    }
}
