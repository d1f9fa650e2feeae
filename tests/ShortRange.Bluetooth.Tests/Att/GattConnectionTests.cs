using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>The connection-state stream: replays the latest state, never errors, always ends with the reason.</summary>
public class GattConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly BluetoothDeviceAddress Peer = new(0x00AA01000000, BluetoothAddressType.LePublic);

    private static (GattConnection, ScriptedPeer, List<GattConnectionState>, List<Exception>) Start(TimeSpan? transactionTimeout = null)
    {
        var peer = new ScriptedPeer();
        var bearer = new AttBearer(peer, transactionTimeout: transactionTimeout);
        var connection = new GattConnection(bearer, Peer);
        bearer.Start();
        var states = new List<GattConnectionState>();
        var errors = new List<Exception>();
        connection.State.Subscribe(s => { lock (states) states.Add(s); }, e => { lock (errors) errors.Add(e); });
        return (connection, peer, states, errors);
    }

    // The kernel turns the HCI disconnect reason into the channel's sk_err (net/bluetooth/lib.c bt_to_errno):
    // 0x13 Remote User Terminated → ECONNRESET (104), 0x08 Connection Timeout → ETIMEDOUT (110),
    // 0x16 Connection Terminated by Local Host (also a removed or powered-off controller) → ECONNABORTED (103).
    [Theory]
    [InlineData(104, GattDisconnectReason.Remote)]
    [InlineData(110, GattDisconnectReason.LinkLost)]
    [InlineData(103, GattDisconnectReason.LocalHost)]
    public async Task The_kernels_errno_says_who_ended_the_link(int errno, GattDisconnectReason expected)
    {
        var (connection, peer, states, errors) = Start();
        var read = connection.Client.ReadAsync(0x0003, Ct);
        Assert.Equal([0x0A, 0x03, 0x00], await peer.NextAsync());
        peer.Fail(ShortRange.Bluetooth.L2cap.L2capException.For("receive", errno));
        await Assert.ThrowsAsync<AttBearerClosedException>(() => read);
        var final = await connection.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(expected, final.Reason);
        Assert.Equal(errno, Assert.IsAssignableFrom<ShortRange.Bluetooth.L2cap.L2capException>(final.Exception).Errno);
        Assert.Equal([GattConnectionStatus.Connected, GattConnectionStatus.Disconnected], states.Select(s => s.Status));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Remote_close_ends_pending_reads_and_reports_remote_once()
    {
        var (connection, peer, states, errors) = Start();
        var read = connection.Client.ReadAsync(0x0003, Ct);
        Assert.Equal([0x0A, 0x03, 0x00], await peer.NextAsync());
        peer.Close();   // the kernel's EOF: the peer or the link went away
        await Assert.ThrowsAsync<AttBearerClosedException>(() => read);
        var final = await connection.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(GattDisconnectReason.Remote, final.Reason);
        Assert.Equal([GattConnectionStatus.Connected, GattConnectionStatus.Disconnected], states.Select(s => s.Status));
        Assert.Empty(errors);

        // A late subscriber still gets the last state, then completion: never an error.
        var late = await connection.State.ToList().ToTask(Ct).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(final, Assert.Single(late));
    }

    [Fact]
    public async Task Dispose_reports_local()
    {
        var (connection, peer, states, _) = Start();
        Assert.Equal(GattConnectionStatus.Connected, Assert.Single(states).Status);
        await connection.DisposeAsync();
        var final = await connection.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(GattDisconnectReason.Local, final.Reason);
        Assert.True(peer.Disposed);
    }

    [Fact]
    public async Task A_silent_peer_ends_the_connection_with_timeout()
    {
        var (connection, peer, _, errors) = Start(TimeSpan.FromMilliseconds(200));
        var read = connection.Client.ReadAsync(0x0003, Ct);
        await peer.NextAsync();
        await Assert.ThrowsAsync<AttTimeoutException>(() => read);
        Assert.Equal(GattDisconnectReason.Timeout, (await connection.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Reason);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_broken_response_ends_the_connection_with_error()
    {
        var (connection, peer, _, _) = Start();
        var read = connection.Client.ReadAsync(0x0003, Ct);
        await peer.NextAsync();
        peer.Send(0x05, 0x07);   // ATT_FIND_INFORMATION_RSP with Format 7: malformed, and not the answer to a read
        await Assert.ThrowsAnyAsync<AttException>(() => read);
        Assert.Equal(GattDisconnectReason.Error, (await connection.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Reason);
    }

    [Fact]
    public async Task Connect_refuses_a_br_edr_address()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => GattConnection.ConnectAsync(1, new BluetoothDeviceAddress(2, BluetoothAddressType.BrEdr), cancellationToken: Ct));
    }
}
