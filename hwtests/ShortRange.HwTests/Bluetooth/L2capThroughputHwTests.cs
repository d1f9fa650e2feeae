using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.L2cap;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;
using static ShortRange.HwTests.Bluetooth.L2capLab;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Client→server throughput of L2capChannel beside BlueZ's l2test in the same VM run (a measurement, not a pass/fail
/// ratio). Both senders talk to the same receiver (an L2capChannel server that counts bytes and times first→last SDU),
/// with the same SDU size and count, so the numbers differ only by the sender.
/// </summary>
public class L2capThroughputHwTests
{
    private const int SduSize = 4096, Rounds = 3;
    private const int SOL_SOCKET = 1, SO_RCVBUFFORCE = 33; // asm-generic/socket.h
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("SHORTRANGE_L2CAP_COUNT"), CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1000;

    [Fact]
    public async Task BrEdr_seqpacket_client_to_server_throughput_beside_l2test()
    {
        var (local, peer) = await BrEdrAsync(Ct);
        string l2test = LabRequire.Tool("l2test");
        int count = Count;
        long expected = (long)count * SduSize;
        var rx = new L2capOptions { ReceiveMtu = SduSize };

        // Both senders feed the same warm receiver; the best and the median of each are compared.
        // Warm-up (not measured): JIT-compiles the SDK's send and receive paths before either sender is timed.
        await SdkSendsAsync(local, peer, 0x1601, Math.Min(count, 200), (long)Math.Min(count, 200) * SduSize, rx);
        var l2testRates = new List<double>();
        var sdkRates = new List<double>();
        // TCG on a shared 2-core host is noisy: three rounds, alternating which sender goes first.
        for (int round = 0; round < Rounds; round++)
        {
            ushort l2Psm = (ushort)(4099 + 2 * round), sdkPsm = (ushort)(0x1401 + 2 * round);
            if (round % 2 == 0)
            {
                l2testRates.Add(await L2testSendsAsync(l2test, local, peer, l2Psm, count, expected, rx));
                sdkRates.Add(await SdkSendsAsync(local, peer, sdkPsm, count, expected, rx));
            }
            else
            {
                sdkRates.Add(await SdkSendsAsync(local, peer, sdkPsm, count, expected, rx));
                l2testRates.Add(await L2testSendsAsync(l2test, local, peer, l2Psm, count, expected, rx));
            }
        }
        double best = l2testRates.Max(), ours = sdkRates.Max();
        Report(string.Create(CultureInfo.InvariantCulture,
            $"BR/EDR SEQPACKET client->server {count} x {SduSize} B: l2test {best / 1024:F1} KiB/s, ShortRange {ours / 1024:F1} KiB/s, ratio {ours / best:F2}x " +
            $"(best of {Rounds}; median ratio {Median(sdkRates) / Median(l2testRates):F2}x; runs l2test {string.Join('/', l2testRates.Select(r => (r / 1024).ToString("F1", CultureInfo.InvariantCulture)))}, " +
            $"ShortRange {string.Join('/', sdkRates.Select(r => (r / 1024).ToString("F1", CultureInfo.InvariantCulture)))} KiB/s)"));
    }

    /// <summary>
    /// BlueZ l2test as the sender (-s), our server as the receiver. l2test waits 3 s after its last send (-g) so its
    /// close cannot overtake queued data, then closes first; the receiver closes on that disconnect (the safe order, see
    /// L2capLab.ConnectPairAsync).
    /// </summary>
    private static async Task<double> L2testSendsAsync(string l2test, ulong local, ulong peer, ushort psm, int count, long expected, L2capOptions rx)
    {
        using var listener = L2capChannel.Listen(new L2capSocketAddress(psm, peer), rx);
        var receiver = ReceiveAllAsync(listener, expected, ack: false);
        using var sender = StartL2test(l2test, ["-s", "-P", psm.ToString(CultureInfo.InvariantCulture), "-i", Format(local), // the same local controller our sender binds
            "-b", SduSize.ToString(CultureInfo.InvariantCulture), "-N", count.ToString(CultureInfo.InvariantCulture), "-g", "3000", Format(peer)]);
        var stderr = sender.StandardError.ReadToEndAsync(Ct);
        try
        {
            var r = await receiver.WaitAsync(TransferBound, Ct);
            Assert.Equal(expected, r.Bytes);
            Assert.Equal(count, r.Sdus);
            return r.Rate;
        }
        finally
        {
            await sender.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!sender.HasExited) sender.Kill(entireProcessTree: true);
            TestContext.Current.SendDiagnosticMessage($"l2test: {Tail(await stderr.WaitAsync(TimeSpan.FromSeconds(10), Ct))}");
        }
    }

    /// <summary>
    /// Our L2capChannel as the sender: same SDU size and count, one awaited SendAsync per SDU. The receiver acknowledges
    /// the last byte with one byte, then the client closes first.
    /// </summary>
    private static async Task<double> SdkSendsAsync(ulong local, ulong peer, ushort psm, int count, long expected, L2capOptions rx)
    {
        using var listener = L2capChannel.Listen(new L2capSocketAddress(psm, peer), rx);
        var receiver = ReceiveAllAsync(listener, expected, ack: true);
        await using (var c = await L2capChannel.ConnectAsync(new L2capSocketAddress(0, local), new L2capSocketAddress(psm, peer), cancellationToken: Ct))
        {
            Assert.Equal(SduSize, c.SendMtu);
            var sdu = new byte[SduSize];
            Array.Fill(sdu, (byte)0x7f);
            for (int i = 0; i < count; i++)
            {
                BitConverter.TryWriteBytes(sdu, i);
                await c.SendAsync(sdu, Ct);
            }
            Assert.Equal(1, await c.ReceiveAsync(new byte[16], Ct).AsTask().WaitAsync(TransferBound, Ct)); // the receiver has everything
        }
        var r = await receiver.WaitAsync(TransferBound, Ct);
        Assert.Equal(expected, r.Bytes);
        Assert.Equal(count, r.Sdus);
        return r.Rate;
    }

    /// <summary>
    /// Accepts one channel and reads until <paramref name="expected"/> bytes arrived, timing first→last SDU; then
    /// acknowledges with one byte if asked, and closes once the sender has disconnected.
    /// </summary>
    private static async Task<(long Bytes, int Sdus, double Rate)> ReceiveAllAsync(L2capChannelListener listener, long expected, bool ack)
    {
        var s = await listener.AcceptAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        long bytes = 0;
        int sdus = 0;
        var sw = new Stopwatch();
        try
        {
            // BR/EDR basic mode has no flow control: SDUs that do not fit the receive buffer are dropped. Room for the
            // whole transfer keeps a receiver that falls behind (cold JIT, TCG) from losing data. SO_RCVBUFFORCE (root)
            // because SO_RCVBUF is capped by net.core.rmem_max.
            s.NativeSocket.SetOption(SOL_SOCKET, SO_RCVBUFFORCE, (int)Math.Min(int.MaxValue / 2, 2 * expected));
            var buf = new byte[64 * 1024];
            while (bytes < expected)
            {
                int n = await s.ReceiveAsync(buf, Ct);
                if (n == 0) break;
                if (sdus == 0) sw.Start();
                bytes += n;
                sdus++;
            }
            sw.Stop();
            if (ack && bytes == expected) await s.SendAsync(new byte[] { 1 }, Ct);
        }
        finally
        {
            await L2capLab.CloseAfterPeerAsync(s);
        }
        // The first SDU starts the clock, so it is not counted in the rate.
        double rate = sdus > 1 ? (bytes - bytes / sdus) / sw.Elapsed.TotalSeconds : 0;
        return (bytes, sdus, rate);
    }

    private static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);

    private static Process StartL2test(string l2test, string[] args)
    {
        var psi = new ProcessStartInfo(l2test) { RedirectStandardError = true, RedirectStandardOutput = false, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start l2test");
    }

    private static string Format(ulong a) => string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(a >> (8 * (5 - i)))).ToString("X2", CultureInfo.InvariantCulture)));

    private static string Tail(string s) => s.Length <= 400 ? s.Trim() : s[^400..].Trim();

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@L2CAP " + line);
    }
}
