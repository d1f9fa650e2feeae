using System.Buffers.Binary;
using System.Globalization;

namespace ShortRange.Bluetooth.Monitor;

/// <summary>
/// One frame of the HCI monitor channel (HCI_CHANNEL_MONITOR = 2): opcode (u16 LE), index (u16 LE), length (u16 LE),
/// payload (kernel include/net/bluetooth/hci_mon.h, struct hci_mon_hdr).
/// </summary>
public readonly record struct MonitorPacket(ushort Opcode, ushort Index, ReadOnlyMemory<byte> Payload)
{
    public const int HeaderSize = 6;

    // hci_mon.h opcodes
    public const ushort HCI_MON_NEW_INDEX = 0, HCI_MON_DEL_INDEX = 1, HCI_MON_COMMAND_PKT = 2, HCI_MON_EVENT_PKT = 3,
        HCI_MON_ACL_TX_PKT = 4, HCI_MON_ACL_RX_PKT = 5, HCI_MON_SCO_TX_PKT = 6, HCI_MON_SCO_RX_PKT = 7,
        HCI_MON_OPEN_INDEX = 8, HCI_MON_CLOSE_INDEX = 9, HCI_MON_INDEX_INFO = 10, HCI_MON_VENDOR_DIAG = 11,
        HCI_MON_SYSTEM_NOTE = 12, HCI_MON_USER_LOGGING = 13, HCI_MON_CTRL_OPEN = 14, HCI_MON_CTRL_CLOSE = 15,
        HCI_MON_CTRL_COMMAND = 16, HCI_MON_CTRL_EVENT = 17;

    /// <summary>Decodes one datagram; a length field that disagrees with the datagram is an <see cref="BluetoothException"/>.</summary>
    public static MonitorPacket Decode(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderSize)
            throw new BluetoothException(string.Create(CultureInfo.InvariantCulture, $"monitor frame of {datagram.Length} bytes is shorter than its header"));
        int len = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
        if (len != datagram.Length - HeaderSize)
            throw new BluetoothException(string.Create(CultureInfo.InvariantCulture, $"monitor frame declares {len} payload bytes but carries {datagram.Length - HeaderSize}"));
        return new MonitorPacket(BinaryPrimitives.ReadUInt16LittleEndian(datagram), BinaryPrimitives.ReadUInt16LittleEndian(datagram[2..]),
            datagram[HeaderSize..].ToArray());
    }
}
