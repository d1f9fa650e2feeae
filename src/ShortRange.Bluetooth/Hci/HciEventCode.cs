namespace ShortRange.Bluetooth.Hci;

/// <summary>HCI event codes (Core Vol 4 Part E §7.7) and LE Meta subevent codes (§7.7.65).</summary>
public static class HciEventCode
{
    public const byte HCI_Inquiry_Complete = 0x01;                 // §7.7.1
    public const byte HCI_Inquiry_Result = 0x02;                   // §7.7.2
    public const byte HCI_Connection_Complete = 0x03;              // §7.7.3
    public const byte HCI_Connection_Request = 0x04;               // §7.7.4
    public const byte HCI_Disconnection_Complete = 0x05;           // §7.7.5
    public const byte HCI_Remote_Name_Request_Complete = 0x07;     // §7.7.7
    public const byte HCI_Command_Complete = 0x0E;                 // §7.7.14
    public const byte HCI_Command_Status = 0x0F;                   // §7.7.15
    public const byte HCI_Hardware_Error = 0x10;                   // §7.7.16
    public const byte HCI_Number_Of_Completed_Packets = 0x13;      // §7.7.19
    public const byte HCI_Inquiry_Result_with_RSSI = 0x22;         // §7.7.33
    public const byte HCI_Extended_Inquiry_Result = 0x2F;          // §7.7.38
    public const byte HCI_LE_Meta = 0x3E;                          // §7.7.65
    /// <summary>Vendor-specific events (§5.4.4).</summary>
    public const byte HCI_Vendor_Specific = 0xFF;

    // LE Meta subevents (§7.7.65.x)
    public const byte HCI_LE_Connection_Complete = 0x01;           // §7.7.65.1
    public const byte HCI_LE_Advertising_Report = 0x02;            // §7.7.65.2
    public const byte HCI_LE_Extended_Advertising_Report = 0x0D;   // §7.7.65.13

    /// <summary>The spec's name of a known event code, else "Event 0xXX".</summary>
    public static string Name(byte code) => code switch
    {
        HCI_Inquiry_Complete => nameof(HCI_Inquiry_Complete),
        HCI_Inquiry_Result => nameof(HCI_Inquiry_Result),
        HCI_Connection_Complete => nameof(HCI_Connection_Complete),
        HCI_Connection_Request => nameof(HCI_Connection_Request),
        HCI_Disconnection_Complete => nameof(HCI_Disconnection_Complete),
        HCI_Remote_Name_Request_Complete => nameof(HCI_Remote_Name_Request_Complete),
        HCI_Command_Complete => nameof(HCI_Command_Complete),
        HCI_Command_Status => nameof(HCI_Command_Status),
        HCI_Hardware_Error => nameof(HCI_Hardware_Error),
        HCI_Number_Of_Completed_Packets => nameof(HCI_Number_Of_Completed_Packets),
        HCI_Inquiry_Result_with_RSSI => nameof(HCI_Inquiry_Result_with_RSSI),
        HCI_Extended_Inquiry_Result => nameof(HCI_Extended_Inquiry_Result),
        HCI_LE_Meta => nameof(HCI_LE_Meta),
        HCI_Vendor_Specific => nameof(HCI_Vendor_Specific),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Event 0x{code:X2}"),
    };
}
