namespace ShortRange.Bluetooth.L2cap;

/// <summary>
/// Options applied to an L2CAP socket before connect or listen (a listener's accepted channels inherit them).
/// </summary>
public sealed record L2capOptions
{
    /// <summary>BT_SECURITY level to require (null: the kernel's default, Low). Medium and above start pairing when no key exists.</summary>
    public L2capSecurityLevel? Security { get; init; }

    /// <summary>
    /// The MTU this side can receive (null: the kernel's default, 672 on BR/EDR; on LE the kernel picks one).
    /// BR/EDR: l2cap_options.imtu (L2CAP_OPTIONS, minimum 48); LE credit-based: BT_RCVMTU (minimum 23).
    /// </summary>
    public ushort? ReceiveMtu { get; init; }

    /// <summary>SOCK_STREAM (a byte stream) instead of SOCK_SEQPACKET (one SDU per send/receive, the default).</summary>
    public bool Stream { get; init; }

    /// <summary>The default: SEQPACKET, kernel security and MTU.</summary>
    public static L2capOptions Default { get; } = new();
}
