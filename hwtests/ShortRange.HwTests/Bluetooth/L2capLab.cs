using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>Set-up and helpers shared by the L2CAP hwtests (BR/EDR and LE credit-based).</summary>
internal static class L2capLab
{
    /// <summary>mgmt Set Advertising (doc/mgmt-api.txt, opcode 0x0029): 0x00 off, 0x02 connectable advertising.</summary>
    private const ushort MGMT_OP_SET_ADVERTISING = 0x0029;

    /// <summary>Generous bound for one lab transfer (TCG is 10–50× slower than a real machine).</summary>
    public static readonly TimeSpan TransferBound = TimeSpan.FromSeconds(180);

    /// <summary>hci0/hci1 in the lab baseline (BR/EDR, see <see cref="LabBluetooth.BaselinePairAsync"/>): their BD_ADDRs.</summary>
    public static async Task<(ulong Local, ulong Peer)> BrEdrAsync(CancellationToken ct)
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var p = await LabBluetooth.BaselinePairAsync(local, peer, ct);
        return (p.LocalAddress, p.PeerAddress);
    }

    /// <summary>
    /// LE on both controllers and connectable advertising on the peer only (the kernel connects as central by scanning
    /// for the peer's advertisements when the local side is not advertising). Dispose stops advertising and restores LE.
    /// </summary>
    public static async Task<LeLink> LowEnergyAsync(CancellationToken ct)
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var p = await LabBluetooth.BaselinePairAsync(local, peer, ct);
        var client = new MgmtClient(MgmtSocketTransport.Open());
        try
        {
            var before = new Dictionary<ushort, MgmtSettings>();
            foreach (var i in new[] { p.LocalIndex, p.PeerIndex })
            {
                var info = await client.ReadControllerInfoAsync(i, ct);
                LabRequire.That(info.SupportedSettings.HasFlag(MgmtSettings.LowEnergy), $"hci{i} does not support LE");
                before[i] = info.CurrentSettings;
                await client.SetLowEnergyAsync(i, true, ct);
            }
            await client.SendCommandAsync(MGMT_OP_SET_ADVERTISING, p.LocalIndex, new byte[] { 0x00 }, ct);
            await client.SendCommandAsync(MGMT_OP_SET_ADVERTISING, p.PeerIndex, new byte[] { 0x02 }, ct);
            return new LeLink(client, p.LocalIndex, p.PeerIndex, p.LocalAddress, p.PeerAddress, before);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>An LE-ready controller pair; dispose undoes the set-up.</summary>
    public sealed class LeLink(MgmtClient client, ushort localIndex, ushort peerIndex, ulong local, ulong peer,
        Dictionary<ushort, MgmtSettings> before) : IAsyncDisposable
    {
        public ushort LocalIndex => localIndex;
        public ushort PeerIndex => peerIndex;
        public L2capSocketAddress Local(ushort psm = 0) => new(psm, local, 0, BluetoothSocketConstants.BDADDR_LE_PUBLIC);
        public L2capSocketAddress Peer(ushort psm) => new(psm, peer, 0, BluetoothSocketConstants.BDADDR_LE_PUBLIC);

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await LabBluetooth.DisconnectEachOtherAsync(client, localIndex, local, peerIndex, peer, cts.Token);
                await client.SendCommandAsync(MGMT_OP_SET_ADVERTISING, peerIndex, new byte[] { 0x00 }, cts.Token);
                foreach (var i in new[] { localIndex, peerIndex })
                    if (!before[i].HasFlag(MgmtSettings.LowEnergy)) await client.SetLowEnergyAsync(i, false, cts.Token);
            }
            finally
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Connects a client to <paramref name="listener"/> and accepts it. Disposing the pair closes the client first, then
    /// the server as soon as it reads the client's disconnect (bounded). That is the order the 10,000-cycle L2CAP soak
    /// proves safe; other orders (server first, or a server socket closed long after its peer left) have crashed the
    /// lab's 6.1 kernel: list_del corruption in hci_chan_del called from l2cap_sock_release.
    /// </summary>
    public static async Task<ChannelPair> ConnectPairAsync(L2capChannelListener listener, L2capSocketAddress local, L2capSocketAddress remote,
        L2capOptions? options, CancellationToken ct, TimeSpan? timeout = null)
    {
        var accept = listener.AcceptAsync(ct);
        L2capChannel client;
        try
        {
            client = await L2capChannel.ConnectAsync(local, remote, options, timeout ?? TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            _ = accept.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        try
        {
            return new ChannelPair(client, await accept.WaitAsync(TimeSpan.FromSeconds(30), ct));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A connected client/server pair; dispose closes the client, then the server once it has read the disconnect.</summary>
    public sealed class ChannelPair(L2capChannel client, L2capChannel server) : IAsyncDisposable
    {
        public L2capChannel Client { get; } = client;
        public L2capChannel Server { get; } = server;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await CloseAfterPeerAsync(Server);
        }
    }

    /// <summary>Reads (and drops) until the peer's disconnect arrives, bounded, then closes <paramref name="channel"/>.</summary>
    public static async Task CloseAfterPeerAsync(L2capChannel channel)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var buf = new byte[64 * 1024];
            while (await channel.ReceiveAsync(buf, bound.Token) > 0) { }
        }
        catch (Exception e) when (e is OperationCanceledException or L2capException or ObjectDisposedException) { }
        finally
        {
            channel.Dispose();
        }
    }

    /// <summary>Server half of an echo: echoes everything until the peer closes (it received the last byte, so it closes first).</summary>
    public static async Task<int> EchoUntilClosedAsync(L2capChannel s, CancellationToken ct)
    {
        using (s) // closed as soon as the peer has gone, also on failure
        {
            var buf = new byte[64 * 1024];
            int echoed = 0;
            while (true)
            {
                int n = await s.ReceiveAsync(buf, ct);
                if (n == 0) return echoed;
                await s.SendAsync(buf.AsMemory(0, n), ct);
                echoed += n;
            }
        }
    }

    /// <summary>
    /// Client half: sends <paramref name="data"/> in <paramref name="chunk"/>-byte sends while reading the echo
    /// concurrently; returns what came back (all of it, or what arrived before EOF).
    /// </summary>
    public static async Task<byte[]> SendAndCollectEchoAsync(L2capChannel c, byte[] data, int chunk, CancellationToken ct)
    {
        var received = new byte[data.Length];
        var reader = Task.Run(async () =>
        {
            int got = 0;
            var buf = new byte[64 * 1024];
            while (got < data.Length)
            {
                int n = await c.ReceiveAsync(buf, ct);
                if (n == 0) break;
                Assert.True(got + n <= data.Length, $"echo overran: {got + n} > {data.Length}");
                buf.AsSpan(0, n).CopyTo(received.AsSpan(got));
                got += n;
            }
            return got;
        }, ct);
        for (int off = 0; off < data.Length; off += chunk)
            await c.SendAsync(data.AsMemory(off, Math.Min(chunk, data.Length - off)), ct);
        int total = await reader.WaitAsync(TransferBound, ct);
        Assert.Equal(data.Length, total);
        return received;
    }

    public static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }
}
