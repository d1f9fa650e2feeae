using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.L2cap;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>Settings of <see cref="O:ShortRange.Bluetooth.Gatt.GattConnection.ConnectAsync"/>.</summary>
public sealed class GattConnectionOptions
{
    public static GattConnectionOptions Default { get; } = new();

    /// <summary>How long the LE connection may take (the kernel scans for the peer's advertisements first).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ATT transaction timeout; the spec's is 30 s (Vol 3 Part F §3.3.3).</summary>
    public TimeSpan TransactionTimeout { get; init; } = AttConstants.TransactionTimeout;

    /// <summary>Send ATT_EXCHANGE_MTU_REQ right after connecting (Part G §4.3.1).</summary>
    public bool ExchangeMtu { get; init; } = true;

    /// <summary>The receive MTU we offer (23–517).</summary>
    public ushort ReceiveMtu { get; init; } = 517;

    /// <summary>BT_SECURITY level of the channel; null keeps the kernel's default (low: no pairing).</summary>
    public L2capSecurityLevel? Security { get; init; }

    /// <summary>Our side's GATT server on the same bearer; null answers with an empty database.</summary>
    public IAttRequestHandler? Server { get; init; }
}
