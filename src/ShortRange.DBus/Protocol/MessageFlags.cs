namespace ShortRange.DBus;

/// <summary>Header flags (specification, "Message Format", byte 3 of the header).</summary>
[Flags]
public enum MessageFlags : byte
{
    None = 0,
    /// <summary>NO_REPLY_EXPECTED.</summary>
    NoReplyExpected = 0x1,
    /// <summary>NO_AUTO_START.</summary>
    NoAutoStart = 0x2,
    /// <summary>ALLOW_INTERACTIVE_AUTHORIZATION.</summary>
    AllowInteractiveAuthorization = 0x4,
}
