namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// HCI command opcodes (Core Vol 4 Part E §5.4.1: OCF in bits 0–9, OGF in bits 10–15; commands in §7.1–§7.8).
/// </summary>
public static class HciOpcode
{
    // OGF values (§7.1 Link Control, §7.3 Controller & Baseband, §7.4 Informational, §7.8 LE Controller, vendor 0x3F).
    public const byte OGF_LINK_CTL = 0x01;
    public const byte OGF_LINK_POLICY = 0x02;
    public const byte OGF_HOST_CTL = 0x03;
    public const byte OGF_INFO_PARAM = 0x04;
    public const byte OGF_STATUS_PARAM = 0x05;
    public const byte OGF_TESTING = 0x06;
    public const byte OGF_LE_CTL = 0x08;
    public const byte OGF_VENDOR = 0x3F;

    /// <summary>Opcode 0x0000: a Command Complete/Status for it only returns command credits (§7.7.14).</summary>
    public const ushort HCI_NOP = 0x0000;

    public const ushort HCI_Inquiry = 0x0401;                          // §7.1.1
    public const ushort HCI_Inquiry_Cancel = 0x0402;                   // §7.1.2
    public const ushort HCI_Create_Connection = 0x0405;                // §7.1.5
    public const ushort HCI_Disconnect = 0x0406;                       // §7.1.6
    public const ushort HCI_Remote_Name_Request = 0x0419;              // §7.1.19
    public const ushort HCI_Set_Event_Mask = 0x0C01;                   // §7.3.1
    public const ushort HCI_Reset = 0x0C03;                            // §7.3.2
    public const ushort HCI_Read_Local_Name = 0x0C14;                  // §7.3.12
    public const ushort HCI_Read_Scan_Enable = 0x0C19;                 // §7.3.17
    public const ushort HCI_Write_Scan_Enable = 0x0C1A;                // §7.3.18
    public const ushort HCI_Read_Class_Of_Device = 0x0C23;             // §7.3.25
    public const ushort HCI_Read_Local_Version_Information = 0x1001;   // §7.4.1
    public const ushort HCI_Read_Local_Supported_Commands = 0x1002;    // §7.4.2
    public const ushort HCI_Read_Local_Supported_Features = 0x1003;    // §7.4.3
    public const ushort HCI_Read_Buffer_Size = 0x1005;                 // §7.4.5
    public const ushort HCI_Read_BD_ADDR = 0x1009;                     // §7.4.6
    public const ushort HCI_LE_Read_Buffer_Size = 0x2002;              // §7.8.2
    public const ushort HCI_LE_Set_Scan_Parameters = 0x200B;           // §7.8.10
    public const ushort HCI_LE_Set_Scan_Enable = 0x200C;               // §7.8.11

    /// <summary>Builds an opcode from its group and command fields.</summary>
    public static ushort Make(byte ogf, ushort ocf)
    {
        if (ogf > 0x3F) throw new ArgumentOutOfRangeException(nameof(ogf), "OGF has 6 bits");
        if (ocf > 0x3FF) throw new ArgumentOutOfRangeException(nameof(ocf), "OCF has 10 bits");
        return (ushort)((ogf << 10) | ocf);
    }

    public static byte Ogf(ushort opcode) => (byte)(opcode >> 10);

    public static ushort Ocf(ushort opcode) => (ushort)(opcode & 0x3FF);

    /// <summary>The spec's name of a known opcode, else "OGF 0xXX OCF 0xXXXX".</summary>
    public static string Name(ushort opcode) => opcode switch
    {
        HCI_NOP => "HCI_NOP",
        HCI_Inquiry => nameof(HCI_Inquiry),
        HCI_Inquiry_Cancel => nameof(HCI_Inquiry_Cancel),
        HCI_Create_Connection => nameof(HCI_Create_Connection),
        HCI_Disconnect => nameof(HCI_Disconnect),
        HCI_Remote_Name_Request => nameof(HCI_Remote_Name_Request),
        HCI_Set_Event_Mask => nameof(HCI_Set_Event_Mask),
        HCI_Reset => nameof(HCI_Reset),
        HCI_Read_Local_Name => nameof(HCI_Read_Local_Name),
        HCI_Read_Scan_Enable => nameof(HCI_Read_Scan_Enable),
        HCI_Write_Scan_Enable => nameof(HCI_Write_Scan_Enable),
        HCI_Read_Class_Of_Device => nameof(HCI_Read_Class_Of_Device),
        HCI_Read_Local_Version_Information => nameof(HCI_Read_Local_Version_Information),
        HCI_Read_Local_Supported_Commands => nameof(HCI_Read_Local_Supported_Commands),
        HCI_Read_Local_Supported_Features => nameof(HCI_Read_Local_Supported_Features),
        HCI_Read_Buffer_Size => nameof(HCI_Read_Buffer_Size),
        HCI_Read_BD_ADDR => nameof(HCI_Read_BD_ADDR),
        HCI_LE_Read_Buffer_Size => nameof(HCI_LE_Read_Buffer_Size),
        HCI_LE_Set_Scan_Parameters => nameof(HCI_LE_Set_Scan_Parameters),
        HCI_LE_Set_Scan_Enable => nameof(HCI_LE_Set_Scan_Enable),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"OGF 0x{Ogf(opcode):X2} OCF 0x{Ocf(opcode):X4}"),
    };
}
