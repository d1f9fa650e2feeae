namespace ShortRange.Bluetooth.Att;

/// <summary>
/// A transport whose link security can be raised (BT_SECURITY on the L2CAP socket). <see cref="AttBearer"/> uses it
/// when a request fails with Insufficient Authentication (0x05) or Insufficient Encryption (0x0F): it raises the level
/// once, waits until the link is ready again, and sends the request again (Core 5.4 Vol 3 Part C §10.3.2; Part G §8.1).
/// </summary>
public interface IAttSecurityTransport : IAttTransport
{
    /// <summary>
    /// Asks for a link that satisfies <paramref name="reason"/> and completes once sends may go on: true when the
    /// link was asked to raise its security and is ready again; false when the link is already at the level that
    /// error asks for (retrying would fail the same way). Throws when the link refuses to raise it.
    /// </summary>
    /// <remarks>
    /// The kernel holds an LE ATT socket in BT_CONFIG while it encrypts, and a send then fails with ENOTCONN
    /// (l2cap_sock_sendmsg): the retry must wait for this task, not merely for the request to raise.
    /// </remarks>
    ValueTask<bool> RaiseSecurityAsync(AttErrorCode reason, CancellationToken cancellationToken);
}
