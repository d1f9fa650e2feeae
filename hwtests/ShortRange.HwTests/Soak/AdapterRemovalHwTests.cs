using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Errors;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Soak;

/// <summary>
/// Issue 9, "removing an adapter never hangs": a second btvirt (two extra controllers, so hci0/hci1 of the other tests
/// are untouched) runs a scan and an L2CAP transfer in progress (the client sending as fast as it can, the server
/// reading, bytes seen flowing before the removal); killing it must end both promptly — the scan with a typed OnError
/// (<see cref="AdapterGoneException"/>), the sender and the receiver with end-of-stream or an error — and leave no fd.
/// </summary>
public class AdapterRemovalHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30); // TCG: generous, but a hang is still a failure

    [Fact]
    public async Task Removing_a_controller_ends_its_scan_and_its_l2cap_connection_without_a_hang()
    {
        LabRequire.BluetoothAdapter();
        LabRequire.Root();
        LabRequire.InLab();
        string btvirt = LabRequire.Tool("btvirt");
        int fds0 = SoakSettings.Fds();
        var targets0 = SoakSettings.FdTargets();
        await using (var control = new MgmtClient(MgmtSocketTransport.Open()))
            await RemoveDuringScanAndConnectionAsync(btvirt, control);
        int fds = SoakSettings.SettledFds(fds0);
        Assert.True(fds - fds0 <= 2, $"fds {fds0} → {fds} after the adapter removal; new: {SoakSettings.NewFds(targets0)}");
    }

    private static async Task RemoveDuringScanAndConnectionAsync(string btvirt, MgmtClient control)
    {
        var (proc, a, b) = await StartExtraPairAsync(btvirt, control);
        try
        {
            foreach (var i in new[] { a.Index, b.Index })
            {
                await control.SetPoweredAsync(i, true, Ct);
                await control.SetConnectableAsync(i, true, Ct);
            }
            // A running scan on controller a.
            var scanner = new BluetoothScanner(Options.Create(new BluetoothOptions { Adapter = a.AdapterName, DiscoveryTypes = DiscoveryAddressTypes.BrEdr }));
            var scanEnded = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            var discovering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watch = control.Events.Subscribe(p =>
            {
                if (p.Index == a.Index && p.Code == MgmtEventCode.MGMT_EV_DISCOVERING && MgmtEvents.Discovering(p.Parameters.Span).Discovering)
                    discovering.TrySetResult();
            }, _ => { });
            using var scan = scanner.Scan().Subscribe(_ => { }, e => scanEnded.TrySetResult(e), () => scanEnded.TrySetResult(new InvalidOperationException("completed")));
            await discovering.Task.WaitAsync(Bounded, Ct);

            // An L2CAP transfer a → b in progress: the client sends 600-byte SDUs back to back, the server reads them.
            const ushort Psm = 0x1203;
            using var listener = L2capSockets.Listen(new L2capSocketAddress(Psm, b.Address));
            var accept = listener.AcceptAsync(Ct);
            using var client = await L2capSockets.ConnectAsync(new L2capSocketAddress(0, a.Address), new L2capSocketAddress(Psm, b.Address), timeout: Bounded, ct: Ct);
            using var server = await accept.WaitAsync(Bounded, Ct);
            long received = 0;
            var serverReceive = Task.Run(async () =>
            {
                var buf = new byte[1024];
                while (true)
                {
                    int n = await server.ReceiveAsync(buf, SocketFlags.None, Ct);
                    if (n == 0) return 0;
                    Interlocked.Add(ref received, n);
                }
            }, Ct);
            var clientSend = Task.Run<int>(async () =>
            {
                var sdu = new byte[600];
                while (true) await client.SendAsync(sdu, SocketFlags.None, Ct);
            }, Ct);
            Assert.True(LabProcess.WaitUntil(() => Interlocked.Read(ref received) >= 64 * 1024 || serverReceive.IsCompleted || clientSend.IsCompleted, Bounded),
                $"no transfer: {Interlocked.Read(ref received)} bytes within {Bounded.TotalSeconds} s");
            Assert.False(clientSend.IsCompleted || serverReceive.IsCompleted, $"the transfer ended before the removal: {clientSend.Exception ?? serverReceive.Exception}");
            long before = Interlocked.Read(ref received);

            var removed = Stopwatch.StartNew();
            proc.Kill();
            await proc.WaitForExitAsync(Ct);

            // Index Removed, or a discovery restart meeting the vanished index, both end the scan as AdapterGoneException.
            var error = await scanEnded.Task.WaitAsync(Bounded, Ct);
            Assert.True(error is AdapterGoneException, error.ToString());
            await EndsAsync(clientSend, "client send loop");
            await EndsAsync(serverReceive, "server receive loop");
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SOAK adapter removal: {before} bytes transferred before the kill; scan OnError({error.GetType().Name}: {error.Message}); sender and receiver ended {removed.Elapsed.TotalMilliseconds:F0} ms after btvirt was killed"));
        }
        finally
        {
            if (!proc.HasExited) proc.Kill();
            await proc.WaitForExitAsync(Ct);
            proc.Dispose();
            // Leave the lab as the next test expects it: only the guest init's controllers.
            var gone = Stopwatch.StartNew();
            while ((await control.ReadIndexListAsync(Ct)).Any(i => i == a.Index || i == b.Index) && gone.Elapsed < Bounded)
                await Task.Delay(250, Ct);
        }
    }

    /// <summary>A loop must finish (the receiver with 0 bytes = the link went down, or either with a socket error) within the bound.</summary>
    private static async Task EndsAsync(Task<int> loop, string what)
    {
        try
        {
            int n = await loop.WaitAsync(Bounded, Ct);
            Assert.Equal(0, n);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} still pending {Bounded.TotalSeconds} s after the controller was removed");
        }
        catch (SocketException) { } // ECONNRESET / EHOSTDOWN: an error is as good as end-of-stream
        catch (L2capException) { }
    }

    /// <summary>Starts <c>btvirt -l2</c> and waits for its two controllers to finish their setup (retried, as the lab init does).</summary>
    private static async Task<(Process Process, ControllerInfo A, ControllerInfo B)> StartExtraPairAsync(string btvirt, MgmtClient control)
    {
        for (int attempt = 1; ; attempt++)
        {
            var before = (await control.ReadIndexListAsync(Ct)).ToHashSet();
            var proc = Process.Start(new ProcessStartInfo(btvirt, "-l2") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < Bounded)
            {
                var added = (await control.ReadIndexListAsync(Ct)).Where(i => !before.Contains(i)).Order().ToList();
                if (added.Count >= 2)
                {
                    var infos = new List<ControllerInfo>();
                    foreach (var i in added.Take(2)) infos.Add(await control.ReadControllerInfoAsync(i, Ct));
                    if (infos.All(x => x.Address != 0)) return (proc, infos[0], infos[1]);
                }
                await Task.Delay(250, Ct);
            }
            proc.Kill();
            await proc.WaitForExitAsync(Ct);
            proc.Dispose();
            if (attempt == 3) Assert.Fail("btvirt -l2: the extra controllers did not finish their setup in three attempts (see dmesg)");
        }
    }
}
