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

    /// <summary>The peer disconnected, the link was lost or the controller went away (the kernel ended the channel).</summary>
    Remote,

    /// <summary>An ATT transaction got no response within 30 s (Core 5.4 Vol 3 Part F §3.3.3): the bearer is unusable.</summary>
    Timeout,

    /// <summary>The peer broke the protocol, or a local observer or handler threw: see <see cref="GattConnectionState.Exception"/>.</summary>
    Error,
}

/// <summary>One value of <see cref="GattConnection.State"/>: the status and, once disconnected, why.</summary>
public sealed record GattConnectionState(GattConnectionStatus Status, GattDisconnectReason Reason = GattDisconnectReason.None, Exception? Exception = null)
{
    public static GattConnectionState Connected { get; } = new(GattConnectionStatus.Connected);
}
