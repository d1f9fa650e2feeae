namespace ShortRange.Bluetooth.Sdp;

/// <summary>Data element type descriptors (Core spec Vol 3 Part B §3.2, Table 3.1): the high 5 bits of the header byte.</summary>
public enum SdpElementType : byte
{
    Nil = 0,
    UnsignedInteger = 1,
    SignedInteger = 2,
    Uuid = 3,
    Text = 4,
    Boolean = 5,
    Sequence = 6,
    Alternative = 7,
    Url = 8,
}
