using System.Diagnostics;
using System.Net.Sockets;
using ShortRange.Bluetooth.L2cap;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

public class L2capHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrEdr_seqpacket_echo_64KiB_each_way_byte_for_byte()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var (_, _, localAddr, peerAddr) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        const ushort Psm = 0x1001;
        const int Chunk = 600, Total = 64 * 1024; // below the BR/EDR default MTU of 672
        using var listener = L2capSockets.Listen(new L2capSocketAddress(Psm, peerAddr));
        var server = Task.Run(async () =>
        {
            using var s = await listener.AcceptAsync(Ct);
            var buf = new byte[2048];
            int echoed = 0;
            // Echo until the client closes: closing here first could drop queued data (see L2capSockets remarks).
            while (true)
            {
                int n = await s.ReceiveAsync(buf, SocketFlags.None, Ct);
                if (n == 0) break;
                await s.SendAsync(buf.AsMemory(0, n), SocketFlags.None, Ct);
                echoed += n;
            }
            return echoed;
        }, Ct);

        var data = new byte[Total];
        new Random(42).NextBytes(data);
        var sw = Stopwatch.StartNew();
        using var c = await L2capSockets.ConnectAsync(new L2capSocketAddress(0, localAddr), new L2capSocketAddress(Psm, peerAddr), ct: Ct);
        var received = new byte[Total];
        var reader = Task.Run(async () =>
        {
            int got = 0;
            var buf = new byte[2048];
            while (got < Total)
            {
                int n = await c.ReceiveAsync(buf, SocketFlags.None, Ct);
                if (n == 0) break;
                buf.AsSpan(0, n).CopyTo(received.AsSpan(got));
                got += n;
            }
            return got;
        }, Ct);
        for (int off = 0; off < Total; off += Chunk)
            await c.SendAsync(data.AsMemory(off, Math.Min(Chunk, Total - off)), SocketFlags.None, Ct);
        Assert.Equal(Total, await reader.WaitAsync(TimeSpan.FromSeconds(120), Ct));
        c.Dispose(); // the receiver of the last byte closes first
        Assert.Equal(Total, await server.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        sw.Stop();
        TestContext.Current.SendDiagnosticMessage($"L2CAP BR/EDR echo 64 KiB each way in {sw.ElapsedMilliseconds} ms");
        Assert.Equal(data, received);
    }
}
