using System.Diagnostics;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.HwTests.Bluetooth;

namespace ShortRange.HwTests.Soak;

/// <summary>
/// RFCOMM open/close cycles leak no fd (issue 15): 1,000 listen/close cycles, then connect → accept → one byte → graceful
/// close cycles from hci0 to a listener on hci1, each checked, with the fd count of this process flat (/proc/self/fd).
/// Every lab run does <see cref="QuickConnectCycles"/> connect cycles; the soak (SHORTRANGE_SOAK=1, hwtests/soak) 1,000.
/// A <see cref="SessionKeeper"/> on a channel of its own holds the RFCOMM session up between cycles (else a connect can join
/// a session in its idle DISC and get ECONNRESET), and cycles close with CloseAsync: its lingering shutdown returns after
/// the peer's UA, when the DLC has left the session; Abort returns before it and the next connect to the same channel finds
/// the DLCI still taken (EBUSY, __rfcomm_dlc_open; seen in the lab).
/// </summary>
public class RfcommSoakTests
{
    private const int QuickConnectCycles = 100;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public Task Rfcomm_quick_open_close_cycles_leak_no_fd() => RunAsync(QuickConnectCycles);

    [Fact]
    public Task Rfcomm_thousand_open_close_cycles_leak_no_fd()
    {
        Assert.SkipUnless(SoakSettings.Enabled, SoakSettings.SkipReason);
        return RunAsync(1000);
    }

    private static async Task RunAsync(int connectCycles)
    {
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        // Warm-up: the runtime's lazily opened files and the socket engine's epoll fds are in place before the baseline.
        using (RfcommListener.Listen(peer)) { }
        int fds0 = SoakSettings.Fds();
        var targets0 = SoakSettings.FdTargets();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
        {
            using var l = RfcommListener.Listen(peer);
            Assert.InRange(l.Channel, (byte)1, (byte)30); // auto-allocated (RFCOMM server channels 1–30)
        }
        var listenTime = sw.Elapsed;
        int fdsAfterListen = SoakSettings.SettledFds(fds0);
        Assert.True(fdsAfterListen - fds0 <= 2, $"1000 listen/close cycles: fds {fds0} → {fdsAfterListen}; new: {SoakSettings.NewFds(targets0)}");

        var cycleMs = new List<double>(connectCycles);
        using (var listener = RfcommListener.Listen(peer))
        {
            await using var keeper = await SessionKeeper.OpenAsync(local, peer, Ct);
            var b = new byte[1];
            sw.Restart();
            for (int i = 0; i < connectCycles; i++)
            {
                var one = Stopwatch.StartNew();
                var accept = listener.AcceptAsync(Ct);
                var c = await RfcommStream.ConnectAsync(local, peer, listener.Channel, cancellationToken: Ct);
                try
                {
                    using var s = await accept.WaitAsync(Bound, Ct);
                    await c.WriteAsync(new[] { (byte)i }, Ct);
                    Assert.Equal(1, await s.ReadAsync(b, Ct).AsTask().WaitAsync(Bound, Ct));
                    Assert.Equal((byte)i, b[0]);
                    await c.CloseAsync(); // client first; returns after the peer's UA, so the DLCI is free for the next cycle
                    Assert.Equal(0, await s.ReadAsync(b, Ct).AsTask().WaitAsync(Bound, Ct));
                }
                finally
                {
                    c.Abort(); // no-op after CloseAsync
                }
                cycleMs.Add(one.Elapsed.TotalMilliseconds);
            }
        }
        var connectTime = sw.Elapsed;
        int fds = SoakSettings.SettledFds(fds0);
        cycleMs.Sort();
        string line = $"RFCOMM: 1000 listen/close cycles in {listenTime.TotalSeconds:F1} s; {connectCycles} connect/accept/byte/close cycles in {connectTime.TotalSeconds:F1} s (p50 {cycleMs[cycleMs.Count / 2]:F0} ms, max {cycleMs[^1]:F0} ms); fds {fds0} → {fds}";
        SoakSettings.Report(line);
        Console.WriteLine("@@RFCOMM " + line);
        Assert.True(fds - fds0 <= 2, $"fds {fds0} → {fds}; new: {SoakSettings.NewFds(targets0)}");
    }
}
