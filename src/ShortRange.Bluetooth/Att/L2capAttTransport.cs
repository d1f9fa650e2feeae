using ShortRange.Bluetooth.L2cap;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Att;

/// <summary>
/// ATT over the LE fixed channel: an L2CAP SOCK_SEQPACKET socket with l2_cid = 4 and l2_psm = 0
/// (Core 5.4 Vol 3 Part A §2.1; the kernel's l2cap_sock for fixed channels). Thin: one SDU per PDU.
/// </summary>
public sealed class L2capAttTransport : IAttSecurityTransport
{
    public L2capAttTransport(L2capChannel channel) => Channel = channel ?? throw new ArgumentNullException(nameof(channel));

    /// <summary>The underlying channel (security level, addresses).</summary>
    public L2capChannel Channel { get; }

    /// <summary>
    /// Connects from the controller with address <paramref name="localAddress"/> to an LE peer. <paramref name="remoteAddressType"/>
    /// is BDADDR_LE_PUBLIC or BDADDR_LE_RANDOM (bluetooth.h).
    /// </summary>
    public static async Task<L2capAttTransport> ConnectAsync(ulong localAddress, ulong remoteAddress, byte remoteAddressType,
        L2capSecurityLevel? security = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var local = new L2capSocketAddress(0, localAddress, AttConstants.ATT_CID, BluetoothSocketConstants.BDADDR_LE_PUBLIC);
        var remote = new L2capSocketAddress(0, remoteAddress, AttConstants.ATT_CID, remoteAddressType);
        var channel = await L2capChannel.ConnectAsync(local, remote, new L2capOptions { Security = security }, timeout, cancellationToken).ConfigureAwait(false);
        return new L2capAttTransport(channel);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken) =>
        await Channel.SendAsync(pdu, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => Channel.ReceiveAsync(buffer, cancellationToken);

    /// <summary>
    /// Raises BT_SECURITY: Insufficient Encryption asks for Medium (encrypted); Insufficient Authentication asks for
    /// Medium on an unencrypted link and High (MITM-protected keys) on an encrypted one. Setting the option on a
    /// connected LE socket makes the kernel encrypt (with a stored LTK) or pair first (SMP); meanwhile the socket is
    /// in BT_CONFIG, where poll reports no POLLOUT and a send fails with ENOTCONN (Linux net/bluetooth/af_bluetooth.c
    /// bt_sock_poll, l2cap_sock.c l2cap_sock_sendmsg). So this completes once the socket is writable again.
    /// </summary>
    /// <exception cref="L2capException">the kernel refused BT_SECURITY (EINVAL, for example no SMP on this controller).</exception>
    public async ValueTask<bool> RaiseSecurityAsync(AttErrorCode reason, CancellationToken cancellationToken)
    {
        var current = Channel.SecurityLevel;
        var wanted = reason switch
        {
            AttErrorCode.InsufficientEncryption => L2capSecurityLevel.Medium,
            AttErrorCode.InsufficientAuthentication => current < L2capSecurityLevel.Medium ? L2capSecurityLevel.Medium : L2capSecurityLevel.High,
            _ => current,
        };
        if (wanted <= current) return false;
        Channel.SecurityLevel = wanted;
        await WaitWritableAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Encryption takes a few HCI round trips (pairing: seconds), so short non-blocking poll(2) checks with a growing
    // delay are cheap. A link that fails to encrypt is disconnected by the kernel: the socket then polls as hung up
    // (writable to poll), the retried send fails and the bearer ends, or the caller's token (AttBearer: the transaction
    // timeout) ends the wait — also if the kernel never leaves BT_CONFIG.
    private async Task WaitWritableAsync(CancellationToken cancellationToken)
    {
        int delay = 1;
        while (!Channel.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectWrite))
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 50);
        }
    }

    public void Dispose() => Channel.Dispose();
}
