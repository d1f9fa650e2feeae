namespace ShortRange.Bluetooth.Att;

/// <summary>ATT_ERROR_RSP error codes (Core 5.4 Vol 3 Part F §3.4.1.1, Table 3.4; 0xE0–0xFF from CSS Part B §1.2).</summary>
public enum AttErrorCode : byte
{
    InvalidHandle = 0x01,
    ReadNotPermitted = 0x02,
    WriteNotPermitted = 0x03,
    InvalidPdu = 0x04,
    InsufficientAuthentication = 0x05,
    RequestNotSupported = 0x06,
    InvalidOffset = 0x07,
    InsufficientAuthorization = 0x08,
    PrepareQueueFull = 0x09,
    AttributeNotFound = 0x0A,
    AttributeNotLong = 0x0B,
    EncryptionKeySizeTooShort = 0x0C,
    InvalidAttributeValueLength = 0x0D,
    UnlikelyError = 0x0E,
    InsufficientEncryption = 0x0F,
    UnsupportedGroupType = 0x10,
    InsufficientResources = 0x11,
    DatabaseOutOfSync = 0x12,
    ValueNotAllowed = 0x13,
    /// <summary>First of the application error codes 0x80–0x9F, defined by a higher-layer specification.</summary>
    ApplicationErrorFirst = 0x80,
    ApplicationErrorLast = 0x9F,
    WriteRequestRejected = 0xFC,
    ClientCharacteristicConfigurationDescriptorImproperlyConfigured = 0xFD,
    ProcedureAlreadyInProgress = 0xFE,
    OutOfRange = 0xFF,
}
