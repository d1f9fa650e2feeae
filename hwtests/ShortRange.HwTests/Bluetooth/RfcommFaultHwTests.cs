using System.Diagnostics;
using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// RFCOMM faults against the 6.1 kernel: the peer closing mid-transfer, the controller removed under an open stream, and
/// open/close cycles that must leak no fd.
/// </summary>
public class RfcommFaultHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static byte[] Data(int seed, int n)
    {
        var d = new byte[n];
        new Random(seed).NextBytes(d);
        return d;
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@RFCOMM " + line);
    }

    /// <summary>
    /// RFCOMM_CONNINFO (SOL_RFCOMM 0x02, net/bluetooth/rfcomm/sock.c) answers only while the socket is BT_CONNECTED, else
    /// ENOTCONN: a way to see the kernel's socket state without consuming sk_err (SO_ERROR would).
    /// </summary>
    private static string KernelState(RfcommStream s)
    {
        Span<byte> b = stackalloc byte[8];
        try
        {
            s.NativeSocket.GetOption(BluetoothSocketConstants.SOL_RFCOMM, 0x02, b);
            return "connected";
        }
        catch (NativeSocketException e)
        {
            return Errno.Name(e.ErrorNumber);
        }
        catch (ObjectDisposedException)
        {
            return "disposed";
        }
    }

    private static string ProcRfcomm() => File.Exists("/proc/net/rfcomm") ? File.ReadAllText("/proc/net/rfcomm").Replace('\n', ';') : "(no /proc/net/rfcomm)";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Peer_closing_mid_transfer_ends_the_writer_with_link_lost(bool concurrentRead)
    {
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        using var listener = RfcommListener.Listen(peer);
        var accept = listener.AcceptAsync(Ct);
        var client = await RfcommStream.ConnectAsync(local, peer, listener.Channel, cancellationToken: Ct);
        try
        {
            var server = await accept.WaitAsync(Bound, Ct);
            long written = 0;
            var write = Task.Run(async () =>
            {
                var chunk = Data(19, 4096);
                while (true)
                {
                    await client.WriteAsync(chunk, Ct); // until the peer's close fails it
                    Interlocked.Add(ref written, chunk.Length);
                }
            }, Ct);
            Task<int>? clientRead = concurrentRead ? Task.Run(async () => await client.ReadAsync(new byte[16], Ct), Ct) : null;
            var buf = new byte[1000];
            int got = 0;
            while (got < 8192) got += await server.ReadAsync(buf, Ct);
            // The writer is now held by RFCOMM credits: the server reads no more, its receive buffer fills, the kernel
            // throttles the DLC and grants no credits; the client's frames wait in its DLC's tx queue.
            Assert.True(LabProcess.WaitUntil(() => { long w = Interlocked.Read(ref written); Thread.Sleep(200); return w == Interlocked.Read(ref written); }, Bound),
                "the writer never stalled");
            string before = $"{Interlocked.Read(ref written)} B written, client {KernelState(client)}";
            server.Abort();
            var sw = Stopwatch.StartNew();
            var timeline = new StringBuilder();
            var watch = Task.Run(async () =>
            {
                while (!write.IsCompleted && sw.Elapsed < Bound)
                {
                    lock (timeline) timeline.Append(CultureInfo.InvariantCulture, $"[{sw.ElapsedMilliseconds} ms: {Interlocked.Read(ref written)} B, client {KernelState(client)}, read {(clientRead is null ? "-" : clientRead.Status.ToString())}, /proc/net/rfcomm {ProcRfcomm()}] ");
                    await Task.Delay(2000, CancellationToken.None);
                }
            }, CancellationToken.None);
            try
            {
                await write.WaitAsync(Bound, Ct);
            }
            catch (TimeoutException)
            {
                await watch;
                lock (timeline) Assert.Fail($"the writer did not fail within {Bound} after the peer closed (before: {before}); {timeline}");
            }
            catch (RfcommException)
            {
            }
            var e = await Assert.ThrowsAnyAsync<RfcommException>(() => write);
            Report($"peer close ({(concurrentRead ? "with" : "without")} a pending read): writer failed {sw.ElapsedMilliseconds} ms after the peer closed with {e.GetType().Name}: {e.Message} (before: {before})");
            Assert.True(e is RfcommLinkLostException, e.ToString());
            if (clientRead is not null) Assert.Equal(0, await clientRead.WaitAsync(Bound, Ct));
            else Assert.Equal(0, await client.ReadAsync(new byte[16], Ct).AsTask().WaitAsync(Bound, Ct));
            await watch;
        }
        finally
        {
            client.Abort();
        }
    }

    /// <summary>
    /// A second btvirt (hci2/hci3 beside the lab's pair) carries an RFCOMM transfer; killing it removes both controllers:
    /// the writer and the reader must end with <see cref="RfcommLinkLostException"/> (the kernel closes every connection of
    /// a vanished controller with ECONNABORTED / HCI "local host terminated"). A second btvirt numbers its controllers as
    /// the first did, so hci2/hci3 carry hci0's and hci1's BD_ADDRs; RFCOMM sessions are found by address pair
    /// (rfcomm_session_get), so the lab pair first loses every link (no session of theirs to join), and afterwards the
    /// lab's btvirt is restarted: the tests after this one get fresh hci0/hci1 whatever the twins left behind.
    /// </summary>
    [Fact]
    public async Task Controller_removed_under_an_open_stream_ends_it_with_link_lost()
    {
        LabRequire.Root();
        LabRequire.InLab();
        string btvirt = LabRequire.Tool("btvirt");
        await L2capLab.BrEdrAsync(Ct);
        await using var control = new MgmtClient(MgmtSocketTransport.Open());
        var before = (await control.ReadIndexListAsync(Ct)).ToHashSet();
        var proc = Process.Start(new ProcessStartInfo(btvirt, "-l2") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            List<ControllerInfo> infos = [];
            Assert.True(LabProcess.WaitUntil(() =>
            {
                var added = control.ReadIndexListAsync(Ct).GetAwaiter().GetResult().Where(i => !before.Contains(i)).Order().Take(2).ToList();
                if (added.Count < 2) return false;
                infos = [.. added.Select(i => control.ReadControllerInfoAsync(i, Ct).GetAwaiter().GetResult())];
                return infos.All(x => x.Address != 0);
            }, Bound), "btvirt -l2 did not bring up two more controllers with addresses");
            var (a, b) = (infos[0], infos[1]);
            foreach (var i in new[] { a.Index, b.Index })
            {
                await control.SetPoweredAsync(i, true, Ct);
                await control.SetConnectableAsync(i, true, Ct);
            }
            using var listener = RfcommListener.Listen(b.Address);
            var accept = listener.AcceptAsync(Ct);
            var client = await RfcommStream.ConnectAsync(a.Address, b.Address, listener.Channel, cancellationToken: Ct);
            var server = await accept.WaitAsync(Bound, Ct);
            try
            {
                long received = 0;
                var serverRead = Task.Run(async () =>
                {
                    var buf = new byte[4096];
                    while (true)
                    {
                        int n = await server.ReadAsync(buf, Ct);
                        if (n == 0) return;
                        Interlocked.Add(ref received, n);
                    }
                }, Ct);
                var clientWrite = Task.Run(async () =>
                {
                    var chunk = Data(23, 4096);
                    while (true) await client.WriteAsync(chunk, Ct);
                }, Ct);
                var clientRead = Task.Run(async () => await client.ReadAsync(new byte[16], Ct), Ct);
                Assert.True(LabProcess.WaitUntil(() => Interlocked.Read(ref received) >= 32 * 1024 || clientWrite.IsCompleted, Bound),
                    $"no transfer: {Interlocked.Read(ref received)} bytes");
                Assert.False(clientWrite.IsCompleted, $"the writer ended before the removal: {clientWrite.Exception}");

                var sw = Stopwatch.StartNew();
                proc.Kill();
                await proc.WaitForExitAsync(Ct);
                var we = await Assert.ThrowsAnyAsync<RfcommException>(() => clientWrite.WaitAsync(Bound, Ct));
                long writerMs = sw.ElapsedMilliseconds;
                Assert.True(we is RfcommLinkLostException, we.ToString());
                var re = await Assert.ThrowsAnyAsync<RfcommException>(() => clientRead.WaitAsync(Bound, Ct));
                Assert.True(re is RfcommLinkLostException, re.ToString());
                try { await serverRead.WaitAsync(Bound, Ct); }
                catch (RfcommLinkLostException) { }
                Report($"controller removed: {Interlocked.Read(ref received)} B transferred; writer failed after {writerMs} ms with {we.GetType().Name} ({we.Message}); pending read with {re.GetType().Name} ({re.Message})");
            }
            finally
            {
                client.Abort();
                server.Abort();
            }
        }
        finally
        {
            if (!proc.HasExited) proc.Kill();
            await proc.WaitForExitAsync(Ct);
            proc.Dispose();
            var gone = Stopwatch.StartNew();
            while ((await control.ReadIndexListAsync(Ct)).Any(i => !before.Contains(i)) && gone.Elapsed < Bound)
                await Task.Delay(250, Ct);
            LabControl.RestartBtvirt(2);
        }
    }
}
