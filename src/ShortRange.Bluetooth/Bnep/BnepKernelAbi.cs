using System.Buffers.Binary;
using System.Text;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// The BNEP ioctl ABI of include/net/bluetooth/bnep.h (x86-64/arm64 layouts): request numbers and the byte layouts of
/// bnep_connadd_req, bnep_conndel_req, bnep_conninfo and bnep_connlist_req. Pure code; <see cref="BnepKernelControl"/> issues them.
/// </summary>
internal static class BnepKernelAbi
{
    // _IOW('B', 200, int) etc.: dir<<30 | size(int)=4<<16 | 'B'<<8 | nr (asm-generic/ioctl.h).
    private const uint IOC_WRITE = 1, IOC_READ = 2;
    private static uint Ioc(uint dir, uint nr) => (dir << 30) | (4u << 16) | ((uint)'B' << 8) | nr;
    public static readonly uint BNEPCONNADD = Ioc(IOC_WRITE, 200);
    public static readonly uint BNEPCONNDEL = Ioc(IOC_WRITE, 201);
    public static readonly uint BNEPGETCONNLIST = Ioc(IOC_READ, 210);
    public static readonly uint BNEPGETCONNINFO = Ioc(IOC_READ, 211);
    public static readonly uint BNEPGETSUPPFEAT = Ioc(IOC_READ, 212);

    /// <summary>Bit number in bnep_connadd_req.flags: the kernel answers the (still queued) setup request with success, once.</summary>
    public const int BNEP_SETUP_RESPONSE = 0;

    /// <summary>sizeof(struct bnep_connadd_req): int sock, u32 flags, u16 role, char device[16], padded to 4.</summary>
    public const int ConnAddSize = 28;
    /// <summary>sizeof(struct bnep_conndel_req): u32 flags, u8 dst[6], padded to 4.</summary>
    public const int ConnDelSize = 12;
    /// <summary>sizeof(struct bnep_conninfo): u32 flags, u16 role, u16 state, u8 dst[6], char device[16], padded to 4.</summary>
    public const int ConnInfoSize = 32;
    /// <summary>sizeof(struct bnep_connlist_req) on 64-bit: u32 cnum, pointer ci at offset 8.</summary>
    public const int ConnListSize = 16;
    public const int IFNAMSIZ = 16;

    public static void WriteConnAdd(Span<byte> b, int socketFd, uint flags, ushort role, string? device)
    {
        b[..ConnAddSize].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(b, socketFd);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(b[8..], role);
        if (!string.IsNullOrEmpty(device))
        {
            if (Encoding.ASCII.GetByteCount(device) >= IFNAMSIZ) throw new ArgumentException($"interface name '{device}' is longer than 15 characters");
            Encoding.ASCII.GetBytes(device, b.Slice(10, IFNAMSIZ));
        }
    }

    /// <summary>The device name the kernel wrote back into bnep_connadd_req.device.</summary>
    public static string ReadConnAddDevice(ReadOnlySpan<byte> b) => CString(b.Slice(10, IFNAMSIZ));

    /// <summary>bnep_conndel_req / the dst of bnep_conninfo hold the peer BD_ADDR in display order (the kernel baswaps bdaddr_t).</summary>
    public static void WriteConnDel(Span<byte> b, ulong peer)
    {
        b[..ConnDelSize].Clear();
        BnepCodec.WriteMac(peer, b.Slice(4, 6));
    }

    public static void WriteConnInfoQuery(Span<byte> b, ulong peer)
    {
        b[..ConnInfoSize].Clear();
        BnepCodec.WriteMac(peer, b.Slice(8, 6));
    }

    public static BnepConnectionInfo ReadConnInfo(ReadOnlySpan<byte> b)
    {
        if (b.Length < ConnInfoSize) throw new BnepFormatException($"bnep_conninfo needs {ConnInfoSize} bytes");
        return new BnepConnectionInfo(
            Peer: BnepCodec.ReadMac(b.Slice(8, 6)),
            Role: (BnepRole)BinaryPrimitives.ReadUInt16LittleEndian(b[4..]),
            State: BinaryPrimitives.ReadUInt16LittleEndian(b[6..]),
            InterfaceName: CString(b.Slice(14, IFNAMSIZ)),
            Flags: BinaryPrimitives.ReadUInt32LittleEndian(b));
    }

    private static string CString(ReadOnlySpan<byte> b)
    {
        int n = b.IndexOf((byte)0);
        return Encoding.ASCII.GetString(n < 0 ? b : b[..n]);
    }
}
