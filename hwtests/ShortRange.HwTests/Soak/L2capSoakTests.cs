using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ShortRange.Bluetooth.L2cap;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Soak;

/// <summary>
/// L2CAP BR/EDR connect → send 64 bytes → echo → close cycles from hci0 to a server on hci1 (btvirt), every one
/// checked byte for byte: all configured cycles complete, the server closes every connection, fds and managed memory
/// stay flat. The quick soak (<see cref="SoakSettings.QuickCycles"/>) runs in every lab run; the long one
/// (<see cref="SoakSettings.Cycles"/>, 10,000) skips unless SHORTRANGE_SOAK=1 (hwtests/soak).
/// </summary>
public class L2capSoakTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan CycleTimeout = TimeSpan.FromSeconds(60); // TCG: an ACL page can take seconds

    [Fact]
    public Task L2cap_brEdr_quick_soak() => RunAsync(SoakSettings.QuickCycles);

    [Fact]
    public Task L2cap_brEdr_connect_send_close_cycles()
    {
        Assert.SkipUnless(SoakSettings.Enabled, SoakSettings.SkipReason);
        return RunAsync(SoakSettings.Cycles);
    }

    private static async Task RunAsync(int target)
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var (_, _, localAddr, peerAddr) = await LabBluetooth.BaselinePairAsync(local, peer, Ct);

        const ushort Psm = 0x1201; // dynamic PSM: odd, and bit 0 of the upper octet clear (Core Vol 3 Part A §4.2)
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var listener = L2capSockets.Listen(new L2capSocketAddress(Psm, peerAddr));
        long served = 0;
        var server = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            while (!stop.IsCancellationRequested)
            {
                using var s = await listener.AcceptAsync(stop.Token);
                int n = await s.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                if (n > 0) await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stop.Token);
                // Wait for the client's close so the server side's socket is released in every cycle too.
                await s.ReceiveAsync(buffer, SocketFlags.None, stop.Token).AsTask().WaitAsync(CycleTimeout, stop.Token);
                Interlocked.Increment(ref served);
            }
        }, Ct);

        var recorder = new SoakRecorder("L2CAP BR/EDR hci0→hci1");
        int warmup = 10, started = 0;
        var message = new byte[64];
        var echo = new byte[1024];
        for (int i = 0; i < target + warmup && !recorder.OutOfTime; i++)
        {
            if (i == warmup) recorder.Baseline();
            var sw = Stopwatch.StartNew();
            BitConverter.TryWriteBytes(message, i);
            started++;
            using (var c = await L2capSockets.ConnectAsync(new L2capSocketAddress(0, localAddr), new L2capSocketAddress(Psm, peerAddr), timeout: CycleTimeout, ct: Ct))
            {
                await c.SendAsync(message, SocketFlags.None, Ct);
                int n = await c.ReceiveAsync(echo, SocketFlags.None, Ct).AsTask().WaitAsync(CycleTimeout, Ct);
                Assert.True(message.AsSpan().SequenceEqual(echo.AsSpan(0, n)), $"cycle {i}: echo differs ({n} bytes)");
            }
            if (i >= warmup) recorder.Add(sw.Elapsed);
            if (server.IsFaulted) await server; // surface a server failure at once
        }
        // The server counts a connection once it has seen the client's close: every one must get there.
        bool allServed = LabProcess.WaitUntil(() => Interlocked.Read(ref served) == started || server.IsCompleted, CycleTimeout);
        await stop.CancelAsync();
        try { await server.WaitAsync(TimeSpan.FromSeconds(30), Ct); }
        catch (OperationCanceledException) { }
        catch (L2capException) { } // accept aborted by the listener's close
        listener.Dispose();
        SoakSettings.Report(string.Create(CultureInfo.InvariantCulture, $"L2CAP server side accepted and closed {Interlocked.Read(ref served)} connections"));
        Assert.True(allServed && Interlocked.Read(ref served) == started,
            $"L2CAP server closed {Interlocked.Read(ref served)} of {started} connections");
        recorder.Finish(target);
    }
}
