namespace ShortRange.Nfc.Snep;

/// <summary>SNEP request and response codes (NFC Forum SNEP 1.0, sections 3.1.2 and 3.1.3).</summary>
public enum SnepCode : byte
{
    Continue = 0x00,
    Get = 0x01,
    Put = 0x02,
    Reject = 0x7F,
    ContinueResponse = 0x80,
    Success = 0x81,
    NotFound = 0xC0,
    ExcessData = 0xC1,
    BadRequest = 0xC2,
    NotImplemented = 0xE0,
    UnsupportedVersion = 0xE1,
    RejectResponse = 0xFF,
}
