using System.Buffers.Binary;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// struct sockaddr_l2 (BlueZ lib/l2cap.h): { sa_family_t l2_family; unsigned short l2_psm; bdaddr_t l2_bdaddr;
/// unsigned short l2_cid; uint8_t l2_bdaddr_type; } — 14 bytes. PSM and CID are little-endian (htobs).
/// </summary>
/// <param name="Psm">Protocol/service multiplexer (0 when connecting by fixed <paramref name="Cid"/>).</param>
/// <param name="Address">48-bit BD_ADDR, most significant byte first when printed (as BluetoothDeviceAddress.Value); BDADDR_ANY is 0.</param>
/// <param name="Cid">Channel id for fixed channels (e.g. ATT 0x0004), otherwise 0.</param>
/// <param name="AddressType">BDADDR_BREDR / BDADDR_LE_PUBLIC / BDADDR_LE_RANDOM.</param>
public readonly record struct L2capSocketAddress(ushort Psm, ulong Address, ushort Cid = 0, byte AddressType = BluetoothSocketConstants.BDADDR_BREDR)
    : INativeSocketAddress
{
    public const int SizeOf = 14;
    internal const int OffsetPsm = 2, OffsetBdaddr = 4, OffsetCid = 10, OffsetBdaddrType = 12;

    public int Family => LinuxAddressFamily.AF_BLUETOOTH;
    public int Size => SizeOf;

    public void WriteTo(Span<byte> destination)
    {
        var d = SockaddrHelpers.Begin(destination, SizeOf, Family);
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetPsm..], Psm);
        for (int i = 0; i < 6; i++) d[OffsetBdaddr + i] = (byte)(Address >> (8 * i)); // bdaddr_t is little-endian
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetCid..], Cid);
        d[OffsetBdaddrType] = AddressType;
    }

    public static L2capSocketAddress Read(ReadOnlySpan<byte> source)
    {
        var s = SockaddrHelpers.Check(source, SizeOf, LinuxAddressFamily.AF_BLUETOOTH, "sockaddr_l2");
        ulong addr = 0;
        for (int i = 5; i >= 0; i--) addr = (addr << 8) | s[OffsetBdaddr + i];
        return new(BinaryPrimitives.ReadUInt16LittleEndian(s[OffsetPsm..]), addr,
            BinaryPrimitives.ReadUInt16LittleEndian(s[OffsetCid..]), s[OffsetBdaddrType]);
    }
}
