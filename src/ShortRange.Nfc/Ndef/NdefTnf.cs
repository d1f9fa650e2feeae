namespace ShortRange.Nfc.Ndef;

/// <summary>Type Name Format (NFC Forum NDEF 1.0, section 3.2.6).</summary>
public enum NdefTnf : byte
{
    Empty = 0x00,
    WellKnown = 0x01,
    MimeMedia = 0x02,
    AbsoluteUri = 0x03,
    External = 0x04,
    Unknown = 0x05,
    Unchanged = 0x06,
    Reserved = 0x07,
}
