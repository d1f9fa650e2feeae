using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// A hand-driven ATT peer for fault tests: an L2CAP SOCK_SEQPACKET channel on the LE fixed channel (CID 4, public
/// addresses) built from the SDK's own socket types, sending and receiving raw PDUs written out byte by byte from
/// Core 5.4 Vol 3 Part F §3.4 — no codec of ours on this side.
/// </summary>
internal sealed class RawAttPeer : IDisposable
{
    private RawAttPeer(L2capChannel channel) => Channel = channel;

    public L2capChannel Channel { get; }

    /// <summary>Listens on the ATT channel of the controller with LE public address <paramref name="address"/> (before any connect).</summary>
    public static L2capChannelListener Listen(ulong address) =>
        L2capChannel.Listen(new L2capSocketAddress(0, address, AttConstants.ATT_CID, BluetoothSocketConstants.BDADDR_LE_PUBLIC));

    public static async Task<RawAttPeer> AcceptAsync(L2capChannelListener listener, TimeSpan bound, CancellationToken ct) =>
        new(await listener.AcceptAsync(ct).WaitAsync(bound, ct));

    /// <summary>A raw client: connects from controller <paramref name="local"/> to the ATT channel of <paramref name="remote"/> (which must advertise).</summary>
    public static async Task<RawAttPeer> ConnectAsync(ulong local, ulong remote, TimeSpan bound, CancellationToken ct) =>
        new(await L2capChannel.ConnectAsync(new L2capSocketAddress(0, local, AttConstants.ATT_CID, BluetoothSocketConstants.BDADDR_LE_PUBLIC),
            new L2capSocketAddress(0, remote, AttConstants.ATT_CID, BluetoothSocketConstants.BDADDR_LE_PUBLIC), timeout: bound, cancellationToken: ct));

    public async Task SendAsync(params byte[] pdu) => await Channel.SendAsync(pdu);

    /// <summary>The next PDU, or null when the link ended (EOF); fails the test when nothing arrives within <paramref name="bound"/>.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan bound, CancellationToken ct)
    {
        var buffer = new byte[1024];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(bound);
        int n;
        try
        {
            n = await Channel.ReceiveAsync(buffer, cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the raw ATT peer received nothing within {bound.TotalSeconds} s");
        }
        catch (L2capException)
        {
            return null;   // ECONNABORTED and the like: the link is gone as well
        }
        return n == 0 ? null : buffer[..n];
    }

    /// <summary>Sends <paramref name="request"/> and returns the next PDU received.</summary>
    public async Task<byte[]> ExchangeAsync(byte[] request, TimeSpan bound, CancellationToken ct)
    {
        await SendAsync(request);
        return await ReceiveAsync(bound, ct) ?? throw new InvalidOperationException($"the link ended after {Convert.ToHexString(request)}");
    }

    public void Dispose() => Channel.Dispose();
}
