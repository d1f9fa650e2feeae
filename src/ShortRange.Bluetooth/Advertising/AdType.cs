namespace ShortRange.Bluetooth.Advertising;

/// <summary>EIR / AD data types (Bluetooth Assigned Numbers §2.3; Core Supplement Part A §1).</summary>
public static class AdType
{
    public const byte Flags = 0x01;
    public const byte IncompleteUuid16 = 0x02;
    public const byte CompleteUuid16 = 0x03;
    public const byte IncompleteUuid32 = 0x04;
    public const byte CompleteUuid32 = 0x05;
    public const byte IncompleteUuid128 = 0x06;
    public const byte CompleteUuid128 = 0x07;
    public const byte ShortenedLocalName = 0x08;
    public const byte CompleteLocalName = 0x09;
    public const byte TxPowerLevel = 0x0A;
    public const byte ClassOfDevice = 0x0D;
    public const byte ServiceData16 = 0x16;
    public const byte Appearance = 0x19;
    public const byte ServiceData32 = 0x20;
    public const byte ServiceData128 = 0x21;
    public const byte ManufacturerSpecificData = 0xFF;
}
