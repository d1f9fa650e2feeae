namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// HCI packet indicators (Core Vol 4 Part A §2, UART transport): the first byte of every packet on a Linux HCI raw or
/// user channel socket, followed by the packet itself (Vol 4 Part E §5.4).
/// </summary>
public static class HciPacketType
{
    public const byte HCI_COMMAND_PKT = 0x01;
    public const byte HCI_ACLDATA_PKT = 0x02;
    public const byte HCI_SCODATA_PKT = 0x03;
    public const byte HCI_EVENT_PKT = 0x04;
    public const byte HCI_ISODATA_PKT = 0x05;
    /// <summary>Linux-only (include/net/bluetooth/hci.h): vendor diagnostic packets.</summary>
    public const byte HCI_VENDOR_PKT = 0xFF;
}
