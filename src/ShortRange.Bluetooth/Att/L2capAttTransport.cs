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
    /// connected LE socket makes the kernel start SMP and hold later sends until the link is encrypted.
    /// </summary>
    public bool TryRaiseSecurity(AttErrorCode reason)
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
        return true;
    }

    public void Dispose() => Channel.Dispose();
}
