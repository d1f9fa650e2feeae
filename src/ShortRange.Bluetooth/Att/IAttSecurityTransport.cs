namespace ShortRange.Bluetooth.Att;

/// <summary>
/// A transport whose link security can be raised (BT_SECURITY on the L2CAP socket). <see cref="AttBearer"/> uses it
/// when a request fails with Insufficient Authentication (0x05) or Insufficient Encryption (0x0F): it raises the level
/// once and sends the request again (Core 5.4 Vol 3 Part C §10.3.2; Part G §8.1).
/// </summary>
public interface IAttSecurityTransport : IAttTransport
{
    /// <summary>
    /// Asks for a link that satisfies <paramref name="reason"/>. Returns false when the link is already at the level
    /// that error asks for (retrying would fail the same way); true once the request to raise it was made. Sends after
    /// it wait until the kernel finished pairing/encrypting.
    /// </summary>
    bool TryRaiseSecurity(AttErrorCode reason);
}
