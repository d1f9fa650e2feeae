namespace ShortRange.Bluetooth.Gatt;

/// <summary>Where a <see cref="GattConnection"/> is in its life.</summary>
public enum GattConnectionStatus
{
    Connected,
    Disconnected,
}

/// <summary>Why a <see cref="GattConnection"/> ended.</summary>
public enum GattDisconnectReason
{
    /// <summary>Not disconnected.</summary>
    None,

    /// <summary>This side disposed the connection.</summary>
    Local,

    /// <summary>
    /// The peer ended the link (HCI reason Remote User Terminated and kin, which the kernel reports as ECONNRESET), or the
    /// channel ended without saying why.
    /// </summary>
    Remote,

    /// <summary>An ATT transaction got no response within 30 s (Core 5.4 Vol 3 Part F §3.3.3): the bearer is unusable.</summary>
    Timeout,

    /// <summary>The peer broke the protocol, or a local observer or handler threw: see <see cref="GattConnectionState.Exception"/>.</summary>
    Error,

    /// <summary>
    /// The link was lost: the controller stopped hearing the peer (LE supervision timeout, Core 5.4 Vol 6 Part B §4.5.2;
    /// HCI reason 0x08, which the kernel reports as ETIMEDOUT).
    /// </summary>
    LinkLost,

    /// <summary>
    /// This host ended the link: our controller was removed or powered off, or another program disconnected it (HCI reason
    /// 0x16 Connection Terminated by Local Host, which the kernel reports as ECONNABORTED; net/bluetooth/lib.c bt_to_errno).
    /// </summary>
    LocalHost,
}

/// <summary>One value of <see cref="GattConnection.State"/>: the status and, once disconnected, why.</summary>
public sealed record GattConnectionState(GattConnectionStatus Status, GattDisconnectReason Reason = GattDisconnectReason.None, Exception? Exception = null)
{
    public static GattConnectionState Connected { get; } = new(GattConnectionStatus.Connected);
}
