using ShortRange.Bluetooth.L2cap;

namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>Options applied to an RFCOMM socket before connect or listen (accepted streams inherit a listener's).</summary>
public sealed record RfcommOptions
{
    /// <summary>BT_SECURITY level to require (null: the kernel's default, Low). Medium and above start pairing when no key exists.</summary>
    public L2capSecurityLevel? Security { get; init; }

    /// <summary>How long a connect may take (default 30 s) before <see cref="RfcommTimeoutException"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// SO_SNDBUF to request in bytes (null: RFCOMM's own default, RFCOMM_MAX_CREDITS × RFCOMM_DEFAULT_MTU × 10 = 50,800 B
    /// in net/bluetooth/rfcomm/sock.c). The kernel doubles the value and caps it at net.core.wmem_max. A larger buffer
    /// lets each write hand the kernel more frames per system call.
    /// </summary>
    public int? SendBufferSize { get; init; }

    public static RfcommOptions Default { get; } = new();
}
