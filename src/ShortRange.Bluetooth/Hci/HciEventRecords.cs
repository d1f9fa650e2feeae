using ShortRange.Devices;

namespace ShortRange.Bluetooth.Hci;

/// <summary>Command Complete (§7.7.14): credits, the opcode answered, its Return_Parameters (Status first for nearly every command).</summary>
public sealed record CommandCompleteEvent(byte NumHciCommandPackets, ushort Opcode, ReadOnlyMemory<byte> ReturnParameters);

/// <summary>Command Status (§7.7.15).</summary>
public sealed record CommandStatusEvent(HciStatus Status, byte NumHciCommandPackets, ushort Opcode);

/// <summary>
/// One response of Inquiry Result (§7.7.2), Inquiry Result with RSSI (§7.7.33) or Extended Inquiry Result (§7.7.38).
/// <paramref name="Rssi"/> is null for the plain Inquiry Result; <paramref name="ExtendedInquiryResponse"/> is empty unless extended.
/// </summary>
public sealed record InquiryResponse(BluetoothDeviceAddress Address, byte PageScanRepetitionMode, uint ClassOfDevice,
    ushort ClockOffset, sbyte? Rssi, ReadOnlyMemory<byte> ExtendedInquiryResponse);

/// <summary>Connection Complete (§7.7.3).</summary>
public sealed record ConnectionCompleteEvent(HciStatus Status, ushort ConnectionHandle, BluetoothDeviceAddress Address,
    byte LinkType, bool EncryptionEnabled);

/// <summary>Disconnection Complete (§7.7.5): Reason is an HCI error code (Vol 1 Part F).</summary>
public sealed record DisconnectionCompleteEvent(HciStatus Status, ushort ConnectionHandle, HciStatus Reason);

/// <summary>One report of LE Advertising Report (§7.7.65.2). Rssi 127 means "not available".</summary>
public sealed record LeAdvertisingReport(byte EventType, BluetoothDeviceAddress Address, ReadOnlyMemory<byte> Data, sbyte Rssi)
{
    // Event_Type values (§7.7.65.2)
    public const byte ADV_IND = 0x00, ADV_DIRECT_IND = 0x01, ADV_SCAN_IND = 0x02, ADV_NONCONN_IND = 0x03, SCAN_RSP = 0x04;
}

/// <summary>Return parameters of HCI_Read_Local_Version_Information (§7.4.1).</summary>
public sealed record LocalVersionInformation(byte HciVersion, ushort HciSubversion, byte LmpVersion, ushort CompanyIdentifier, ushort LmpSubversion);
