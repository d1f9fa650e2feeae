using System.Buffers.Binary;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_hci (BlueZ lib/hci.h): { sa_family_t hci_family; unsigned short hci_dev; unsigned short hci_channel; } — 6 bytes.
/// </summary>
/// <param name="Device">hci_dev: adapter index, or <see cref="BluetoothSocketConstants.HCI_DEV_NONE"/>.</param>
/// <param name="Channel">hci_channel: HCI_CHANNEL_RAW/USER/MONITOR/CONTROL/LOGGING.</param>
public readonly record struct HciSocketAddress(ushort Device, ushort Channel) : INativeSocketAddress
{
    public const int SizeOf = 6;
    internal const int OffsetDev = 2, OffsetChannel = 4;

    public int Family => LinuxAddressFamily.AF_BLUETOOTH;
    public int Size => SizeOf;

    /// <summary>The mgmt control channel, not bound to any adapter (BlueZ doc/mgmt-api.txt).</summary>
    public static HciSocketAddress Control => new(BluetoothSocketConstants.HCI_DEV_NONE, BluetoothSocketConstants.HCI_CHANNEL_CONTROL);

    public void WriteTo(Span<byte> destination)
    {
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetDev..], Device);
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetChannel..], Channel);
    }

    public static HciSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, SizeOf, LinuxAddressFamily.AF_BLUETOOTH, "sockaddr_hci");
        return new(BinaryPrimitives.ReadUInt16LittleEndian(s[OffsetDev..]), BinaryPrimitives.ReadUInt16LittleEndian(s[OffsetChannel..]));
    }
}
