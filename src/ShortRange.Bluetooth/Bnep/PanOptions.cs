namespace ShortRange.Bluetooth.Bnep;

/// <summary>Timeouts and names for PAN connections. Defaults suit real radios and the (slow) qemu lab.</summary>
public sealed record PanOptions
{
    /// <summary>L2CAP connect timeout.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a setup response before resending the request (BlueZ uses 9 s).</summary>
    public TimeSpan SetupAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Setup requests sent before giving up (BlueZ: 3).</summary>
    public int SetupAttempts { get; set; } = 3;

    /// <summary>Server: how long a new L2CAP channel may take to send its setup request.</summary>
    public TimeSpan SetupRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the bnepN link event after BNEPCONNADD, and for its removal on disposal.</summary>
    public TimeSpan InterfaceTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Server: after refusing a setup, how long to wait for the peer to close the channel before closing it ourselves.
    /// Closing first races the refusal: the peer's kernel reports the reset before queued data (see <see cref="BnepSetup"/>).
    /// </summary>
    public TimeSpan RefusalCloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Interface name or pattern for BNEPCONNADD (null: the kernel's "bnep%d").</summary>
    public string? InterfaceName { get; set; }

    /// <summary>Server (NAP/GN): the bridge every bnepN joins; created through rtnetlink when missing.</summary>
    public string BridgeName { get; set; } = "pan0";
}
