using System.Diagnostics;
using System.Globalization;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Netlink;

namespace ShortRange.HwTests.Soak;

/// <summary>
/// LLCP connection-oriented cycles over one NFC-DEP link between nfcsim's nfc0 (initiator) and nfc1 (target):
/// connect by service name → send 64 bytes → echo → close, checked byte for byte: all configured cycles complete, the
/// server sees every DISC, fds and managed memory stay flat. The quick soak (<see cref="SoakSettings.QuickCycles"/>) runs
/// in every lab run; the long one (<see cref="SoakSettings.Cycles"/>, 10,000) skips unless SHORTRANGE_SOAK=1 (hwtests/soak).
/// </summary>
public class LlcpSoakTests
{
    private const string Service = "urn:nfc:xsn:shortrange.soak:echo";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90); // nfcsim adds 3–10 ms per frame; TCG multiplies it

    [Fact]
    public Task Llcp_quick_soak_over_one_dep_link() => RunAsync(SoakSettings.QuickCycles);

    [Fact]
    public Task Llcp_connect_send_close_cycles_over_one_dep_link()
    {
        Assert.SkipUnless(SoakSettings.Enabled, SoakSettings.SkipReason);
        return RunAsync(SoakSettings.Cycles);
    }

    private static async Task RunAsync(int cycles)
    {
        var ct = TestContext.Current.CancellationToken;
        var (localName, peerName) = LabRequire.NfcPair();
        LabRequire.Root();
        using var nfc = await NfcNetlinkClient.OpenAsync(null, ct);
        var devices = await nfc.GetDevicesAsync(ct);
        var local = devices.Single(d => d.Name == localName);
        var peer = devices.Single(d => d.Name == peerName);
        await nfc.SetPoweredAsync(local.Index, true, ct);
        await nfc.SetPoweredAsync(peer.Index, true, ct);
        uint? targetIndex = null;
        try
        {
            using var listener = LlcpListener.Listen(peer.Index, Service);
            var target = await LinkUpAsync(nfc, local.Index, peer.Index, ct);
            targetIndex = target.Index;

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            long served = 0;
            var server = Task.Run(async () =>
            {
                var buffer = new byte[1024];
                while (!stop.IsCancellationRequested)
                {
                    using var s = await listener.AcceptAsync(stop.Token);
                    int n = await s.ReceiveAsync(buffer, stop.Token);
                    if (n > 0) await s.SendAsync(buffer.AsMemory(0, n), stop.Token);
                    await s.ReceiveAsync(buffer, stop.Token).AsTask().WaitAsync(Wait, stop.Token); // the client's DISC
                    Interlocked.Increment(ref served);
                }
            }, ct);

            var recorder = new SoakRecorder("LLCP nfc0→nfc1");
            int warmup = 5, started = 0;
            var message = new byte[64];
            var echo = new byte[64];
            for (int i = 0; i < cycles + warmup && !recorder.OutOfTime; i++)
            {
                if (i == warmup) recorder.Baseline();
                var sw = Stopwatch.StartNew();
                BitConverter.TryWriteBytes(message, i);
                started++;
                using (var c = await LlcpConnection.ConnectAsync(local.Index, target.Index, Service, Wait, ct))
                {
                    await c.SendAsync(message, ct);
                    await c.ReceiveExactlyAsync(echo, ct).AsTask().WaitAsync(Wait, ct);
                    Assert.True(message.AsSpan().SequenceEqual(echo), $"cycle {i}: echo differs");
                }
                if (i >= warmup) recorder.Add(sw.Elapsed);
                if (server.IsFaulted) await server;
            }
            // The server counts a connection once it has seen the client's DISC: every one must get there.
            bool allServed = LabProcess.WaitUntil(() => Interlocked.Read(ref served) == started || server.IsCompleted, Wait);
            await stop.CancelAsync();
            try { await server.WaitAsync(TimeSpan.FromSeconds(30), ct); }
            catch (OperationCanceledException) { }
            SoakSettings.Report(string.Create(CultureInfo.InvariantCulture, $"LLCP server side accepted and closed {Interlocked.Read(ref served)} connections"));
            Assert.True(allServed && Interlocked.Read(ref served) == started,
                $"LLCP server saw the close of {Interlocked.Read(ref served)} of {started} connections");
            recorder.Finish(cycles);
        }
        finally
        {
            await DownAsync(nfc, local.Index, peer.Index, targetIndex);
            foreach (var d in new[] { local, peer })
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try { await nfc.SetPoweredAsync(d.Index, false, cts.Token); } catch (ShortRange.Linux.Netlink.NetlinkException) { }
            }
        }
    }

    /// <summary>Peer in target mode, then the SDK's poll-and-link (it re-polls when an ATR goes unanswered).</summary>
    private static async Task<NfcTargetInfo> LinkUpAsync(NfcNetlinkClient nfc, uint local, uint peer, CancellationToken ct)
    {
        await nfc.StartPollAsync(peer, NfcProtocols.None, NfcProtocols.NfcDep, ct);
        var r = await nfc.PollAndLinkUpAsync(local, Wait, cancellationToken: ct);
        SoakSettings.Report($"LLCP: DEP link up after {r.Attempts} poll(s)");
        return r.Target;
    }

    private static async Task DownAsync(NfcNetlinkClient nfc, uint local, uint peer, uint? target)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (target is uint t)
        {
            try { await nfc.DepLinkDownAsync(local, t, cts.Token); } catch (ShortRange.Linux.Netlink.NetlinkException) { }
        }
        foreach (var d in new[] { local, peer })
        {
            try { await nfc.StopPollAsync(d, cts.Token); } catch (ShortRange.Linux.Netlink.NetlinkException) { }
        }
    }
}
