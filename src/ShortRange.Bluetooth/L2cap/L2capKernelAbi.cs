using System.Buffers.Binary;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// struct bt_security (include/net/bluetooth/bluetooth.h): { __u8 level; __u8 key_size; } — 2 bytes.
/// </summary>
/// <param name="Level">BT_SECURITY_* level.</param>
/// <param name="KeySize">Encryption key size in bytes the link uses (0 while unencrypted; reported by the kernel only).</param>
public readonly record struct BtSecurity(L2capSecurityLevel Level, byte KeySize)
{
    /// <summary>sizeof(struct bt_security).</summary>
    public const int SizeOf = 2;
    internal const int OffsetLevel = 0, OffsetKeySize = 1;

    /// <summary>Writes the 2-byte struct.</summary>
    public void WriteTo(Span<byte> destination)
    {
        L2capKernelAbi.Check(destination.Length, SizeOf, "bt_security");
        destination[OffsetLevel] = (byte)Level;
        destination[OffsetKeySize] = KeySize;
    }

    /// <summary>Reads the struct; the kernel may return only the level (1 byte) to a short buffer, so 1 byte is accepted.</summary>
    public static BtSecurity Read(ReadOnlySpan<byte> source)
    {
        L2capKernelAbi.Check(source.Length, 1, "bt_security");
        return new((L2capSecurityLevel)source[OffsetLevel], source.Length > OffsetKeySize ? source[OffsetKeySize] : (byte)0);
    }
}

/// <summary>
/// struct l2cap_options (include/net/bluetooth/l2cap.h, SOL_L2CAP / L2CAP_OPTIONS, BR/EDR channels only):
/// { __u16 omtu; __u16 imtu; __u16 flush_to; __u8 mode; __u8 fcs; __u8 max_tx; (1 pad byte) __u16 txwin_size; } —
/// 12 bytes, host (little-endian) byte order.
/// </summary>
public readonly record struct L2capKernelOptions(ushort OutgoingMtu, ushort IncomingMtu, ushort FlushTimeout, byte Mode, byte Fcs,
    byte MaxTransmit, ushort TxWindowSize)
{
    /// <summary>sizeof(struct l2cap_options), including the padding byte before txwin_size.</summary>
    public const int SizeOf = 12;
    internal const int OffsetOmtu = 0, OffsetImtu = 2, OffsetFlushTo = 4, OffsetMode = 6, OffsetFcs = 7, OffsetMaxTx = 8, OffsetTxwinSize = 10;

    /// <summary>Writes the 12-byte struct (the padding byte is zeroed).</summary>
    public void WriteTo(Span<byte> destination)
    {
        L2capKernelAbi.Check(destination.Length, SizeOf, "l2cap_options");
        var d = destination[..SizeOf];
        d.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetOmtu..], OutgoingMtu);
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetImtu..], IncomingMtu);
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetFlushTo..], FlushTimeout);
        d[OffsetMode] = Mode;
        d[OffsetFcs] = Fcs;
        d[OffsetMaxTx] = MaxTransmit;
        BinaryPrimitives.WriteUInt16LittleEndian(d[OffsetTxwinSize..], TxWindowSize);
    }

    /// <summary>Reads the 12-byte struct.</summary>
    public static L2capKernelOptions Read(ReadOnlySpan<byte> source)
    {
        L2capKernelAbi.Check(source.Length, SizeOf, "l2cap_options");
        return new(BinaryPrimitives.ReadUInt16LittleEndian(source[OffsetOmtu..]), BinaryPrimitives.ReadUInt16LittleEndian(source[OffsetImtu..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[OffsetFlushTo..]), source[OffsetMode], source[OffsetFcs], source[OffsetMaxTx],
            BinaryPrimitives.ReadUInt16LittleEndian(source[OffsetTxwinSize..]));
    }
}

/// <summary>Socket option names and value sizes for L2CAP channels (include/net/bluetooth/bluetooth.h, l2cap.h).</summary>
public static class L2capKernelAbi
{
    /// <summary>BT_SNDMTU / BT_RCVMTU carry a __u16 (LE credit-based and ERTM channels).</summary>
    public const int MtuOptionSize = 2;

    /// <summary>L2CAP_DEFAULT_MTU (l2cap.h): the BR/EDR basic-mode MTU a channel starts with.</summary>
    public const ushort L2CAP_DEFAULT_MTU = 672;

    /// <summary>L2CAP_DEFAULT_MIN_MTU (l2cap.h): the smallest BR/EDR MTU (Core spec Vol 3 Part A §5.1).</summary>
    public const ushort L2CAP_DEFAULT_MIN_MTU = 48;

    /// <summary>L2CAP_LE_MIN_MTU (l2cap.h): the smallest LE credit-based MTU (Core spec Vol 3 Part A §4.22).</summary>
    public const ushort L2CAP_LE_MIN_MTU = 23;

    /// <summary>l2cap_options.mode: L2CAP_MODE_BASIC (0), ERTM (3), STREAMING (4), LE_FLOWCTL (0x80), EXT_FLOWCTL (0x81).</summary>
    public const byte L2CAP_MODE_BASIC = 0x00, L2CAP_MODE_ERTM = 0x03, L2CAP_MODE_STREAMING = 0x04,
        L2CAP_MODE_LE_FLOWCTL = 0x80, L2CAP_MODE_EXT_FLOWCTL = 0x81;

    /// <summary>Writes a BT_SNDMTU / BT_RCVMTU value.</summary>
    public static void WriteMtu(Span<byte> destination, ushort mtu)
    {
        Check(destination.Length, MtuOptionSize, "mtu");
        BinaryPrimitives.WriteUInt16LittleEndian(destination, mtu);
    }

    /// <summary>Reads a BT_SNDMTU / BT_RCVMTU value.</summary>
    public static ushort ReadMtu(ReadOnlySpan<byte> source)
    {
        Check(source.Length, MtuOptionSize, "mtu");
        return BinaryPrimitives.ReadUInt16LittleEndian(source);
    }

    internal static void Check(int length, int needed, string name)
    {
        if (length < needed) throw new ArgumentException($"{name} needs {needed} bytes, got {length}");
    }
}
