using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// RFCOMM sockets against the 6.1 kernel and BlueZ's rctest, over the baseline BR/EDR link between hci0 and hci1.
/// Every test closes the client side first (the order the L2CAP soak proved safe for the lab kernel).
/// </summary>
public class RfcommHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private const int Total = 64 * 1024;

    private static byte[] Data(int seed, int n = Total)
    {
        var d = new byte[n];
        new Random(seed).NextBytes(d);
        return d;
    }

    private static async Task<byte[]> ReadToEndAsync(Stream s, int max)
    {
        var ms = new MemoryStream();
        var buf = new byte[4096];
        while (ms.Length <= max)
        {
            int n = await s.ReadAsync(buf, Ct);
            if (n == 0) break;
            ms.Write(buf, 0, n);
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task Ours_to_ours_64KiB_each_way_on_an_auto_allocated_channel_then_no_listener_is_refused()
    {
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        using var listener = RfcommListener.Listen(peer);
        Assert.InRange(listener.Channel, (byte)1, (byte)30);
        var server = Task.Run(async () =>
        {
            await using var s = await listener.AcceptAsync(Ct);
            var buf = new byte[4096];
            int echoed = 0;
            while (true)
            {
                int n = await s.ReadAsync(buf, Ct);
                if (n == 0) break;
                await s.WriteAsync(buf.AsMemory(0, n), Ct);
                echoed += n;
            }
            return echoed;
        }, Ct);

        var data = Data(15);
        var client = await RfcommStream.ConnectAsync(local, peer, listener.Channel, cancellationToken: Ct);
        try
        {
            Assert.Equal(listener.Channel, client.RemoteAddress.Channel);
            Assert.Equal(peer, client.RemoteAddress.Address);
            var reader = Task.Run(async () =>
            {
                var got = new byte[Total];
                int n = 0;
                while (n < Total)
                {
                    int r = await client.ReadAsync(got.AsMemory(n), Ct);
                    if (r == 0) break;
                    n += r;
                }
                return got.AsSpan(0, n).ToArray();
            }, Ct);
            await client.WriteAsync(data, Ct);
            Assert.Equal(data, await reader.WaitAsync(Bound, Ct));

            // No listener on another channel over the same (up) ACL link and RFCOMM session: DM → ECONNREFUSED, typed and bounded.
            byte other = (byte)(listener.Channel == 30 ? 29 : listener.Channel + 1);
            var sw = Stopwatch.StartNew();
            await Assert.ThrowsAsync<RfcommConnectionRefusedException>(() => RfcommStream.ConnectAsync(local, peer, other, cancellationToken: Ct));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"refusal took {sw.Elapsed}");
        }
        finally
        {
            await client.CloseAsync();
        }
        Assert.Equal(Total, await server.WaitAsync(Bound, Ct));
    }

    /// <summary>
    /// What rctest sends without -B (tools/rctest.c do_send): -N frames of -b bytes, each starting with the frame's
    /// sequence number (le32) and the frame size (le16), the rest 0x7F. (rctest -B sends one unchecked send() of the
    /// file, which the kernel cuts at the socket buffer — 23,368 bytes in the lab — so frames are the byte-exact route.)
    /// </summary>
    private static byte[] RctestFrames(int frameSize, int frames)
    {
        var d = new byte[frameSize * frames];
        for (int f = 0; f < frames; f++)
        {
            var frame = d.AsSpan(f * frameSize, frameSize);
            frame.Fill(0x7F);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)f);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(frame[4..], (ushort)frameSize);
        }
        return d;
    }

    [Fact]
    public async Task Rctest_s_sends_64KiB_to_our_server_byte_for_byte()
    {
        string rctest = LabRequire.Tool("rctest");
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        var expected = RctestFrames(1024, 64);
        using var listener = RfcommListener.Listen(peer);
        var accept = listener.AcceptAsync(Ct);
        using var rc = Rctest.Start(rctest, "-s", "-b", "1024", "-N", "64", "-P", listener.Channel.ToString(CultureInfo.InvariantCulture), "-i", Format(local), Format(peer));
        await using var s = await accept.WaitAsync(Bound, Ct);
        var got = await ReadToEndAsync(s, Total * 2).WaitAsync(Bound, Ct);
        Assert.True(expected.AsSpan().SequenceEqual(got), $"received {got.Length} bytes; rctest said: {rc.Output}");
        Assert.True(rc.WaitForExit(Bound), "rctest -s did not exit: " + rc.Output);
    }

    [Fact]
    public async Task Our_client_reads_64KiB_from_rctest_w_byte_for_byte()
    {
        string rctest = LabRequire.Tool("rctest");
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        var expected = RctestFrames(1024, 64);
        using var rc = Rctest.Start(rctest, "-w", "-b", "1024", "-N", "64", "-P", "21", "-i", Format(peer));
        rc.WaitFor("Waiting for connection", Bound);
        var client = await RfcommStream.ConnectAsync(local, peer, 21, cancellationToken: Ct);
        byte[] got;
        try
        {
            got = await ReadToEndAsync(client, Total * 2).WaitAsync(Bound, Ct);
        }
        finally
        {
            client.Abort();
        }
        Assert.True(expected.AsSpan().SequenceEqual(got), $"received {got.Length} bytes; rctest said: {rc.Output}");
    }

    /// <summary>
    /// Interop: rctest -r receives our client's 64 KiB. The ratio it prints is one cold round each, ours first (JIT under
    /// TCG included), not the benchmark: that is <see cref="RfcommThroughputHwTests"/> (interleaved, warmed up, bytes checked).
    /// </summary>
    [Fact]
    public async Task Our_client_sends_64KiB_to_rctest_r_beside_rctest_s_on_the_same_link()
    {
        string rctest = LabRequire.Tool("rctest");
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        const int Block = 4096, Blocks = 64; // rctest -r prints one "N bytes in T sec, R kB/s" line per ≥ -b bytes received
        using var rc = Rctest.Start(rctest, "-r", "-b", Block.ToString(CultureInfo.InvariantCulture), "-P", "22", "-i", Format(peer));
        rc.WaitFor("Waiting for connection", Bound);

        var data = Data(18, Block);
        var client = await RfcommStream.ConnectAsync(local, peer, 22, cancellationToken: Ct);
        var progress = new System.Text.StringBuilder();
        var sw = Stopwatch.StartNew();
        try
        {
            var write = Task.Run(async () =>
            {
                for (int i = 0; i < Blocks; i++)
                {
                    await client.WriteAsync(data, Ct);
                    lock (progress) progress.Append(CultureInfo.InvariantCulture, $"{(i + 1) * Block}@{sw.ElapsedMilliseconds}ms ");
                }
            }, Ct);
            if (!LabProcess.WaitUntil(() => rc.Received() >= (Blocks - 1) * Block, Bound))
                Assert.Fail($"rctest reported {rc.Received()} of {Blocks * Block} bytes; our writes: {progress}; rctest: {rc.Output}");
            await write.WaitAsync(Bound, Ct);
        }
        finally
        {
            await client.CloseAsync();
        }
        var ours = rc.Rates();

        rc.ClearLines();
        using (var sender = Rctest.Start(rctest, "-s", "-b", Block.ToString(CultureInfo.InvariantCulture), "-N", Blocks.ToString(CultureInfo.InvariantCulture),
                   "-P", "22", "-i", Format(local), Format(peer)))
        {
            rc.WaitForBytes((Blocks - 1) * Block, Bound);
            sender.WaitForExit(Bound);
        }
        var theirs = rc.Rates();
        // Aggregate over rctest's lines after the first (which includes connection start-up): bytes / seconds as rctest timed them.
        var (ob, os) = (ours.Skip(1).Sum(x => x.Bytes), ours.Skip(1).Sum(x => x.Seconds));
        var (tb, ts) = (theirs.Skip(1).Sum(x => x.Bytes), theirs.Skip(1).Sum(x => x.Seconds));
        double o = os > 0 ? ob / os / 1024 : double.PositiveInfinity, t = ts > 0 ? tb / ts / 1024 : double.PositiveInfinity;
        string line = $"RFCOMM {Blocks} x {Block} B → rctest -r (same link, same receiver): ShortRange {ob} B in {os:F2} s = {o:F1} KiB/s, rctest -s {tb} B in {ts:F2} s = {t:F1} KiB/s, ratio {o / t:F2}";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@RFCOMM " + line);
        Assert.True(ob > 0 && tb > 0, line);
    }

    internal static string Format(ulong a) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(a >> (8 * (5 - i)))).ToString("X2", CultureInfo.InvariantCulture)));

    /// <summary>rctest with its syslog-to-stderr lines collected; dispose kills it (and its forked children).</summary>
    internal sealed class Rctest : IDisposable
    {
        private readonly Process _p;
        private readonly ConcurrentQueue<string> _lines = new();

        private Rctest(Process p) => _p = p;

        public static Rctest Start(string tool, params string[] args)
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start rctest");
            var r = new Rctest(p);
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) r._lines.Enqueue(e.Data); };
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) r._lines.Enqueue(e.Data); };
            p.BeginErrorReadLine();
            p.BeginOutputReadLine();
            return r;
        }

        public string Output => string.Join(" | ", _lines);

        public void ClearLines() => _lines.Clear();

        public void WaitFor(string text, TimeSpan bound) =>
            Assert.True(LabProcess.WaitUntil(() => _lines.Any(l => l.Contains(text, StringComparison.Ordinal)), bound), $"rctest never printed '{text}': {Output}");

        /// <summary>Waits until the "N bytes in" lines add up to <paramref name="bytes"/> (rctest -r prints once per ≥ -b bytes received).</summary>
        public void WaitForBytes(long bytes, TimeSpan bound) =>
            Assert.True(LabProcess.WaitUntil(() => Received() >= bytes, bound), $"rctest reported {Received()} of {bytes} bytes: {Output}");

        public long Received() => _lines.Where(l => l.Contains(" bytes in ", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(": ", l.IndexOf(" bytes in ", StringComparison.Ordinal), StringComparison.Ordinal) + 2)..l.IndexOf(" bytes in ", StringComparison.Ordinal)], CultureInfo.InvariantCulture));

        /// <summary>Bytes and seconds of each "N bytes in T sec, R kB/s" line; seconds are N / (R × 1024) when R is given.</summary>
        public List<(long Bytes, double Seconds)> Rates() => [.. _lines.Where(l => l.Contains(" bytes in ", StringComparison.Ordinal))
            .Select(l =>
            {
                int b = l.IndexOf(" bytes in ", StringComparison.Ordinal), sec = l.IndexOf(" sec", b + 10, StringComparison.Ordinal);
                long bytes = long.Parse(l[(l.LastIndexOf(": ", b, StringComparison.Ordinal) + 2)..b], CultureInfo.InvariantCulture);
                double seconds = double.Parse(l[(b + 10)..sec], CultureInfo.InvariantCulture);
                int comma = l.IndexOf(", ", sec, StringComparison.Ordinal), kb = l.IndexOf(" kB/s", sec, StringComparison.Ordinal);
                if (comma > 0 && kb > comma && double.TryParse(l.AsSpan(comma + 2, kb - comma - 2), NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0)
                    seconds = bytes / (rate * 1024);
                return (bytes, seconds);
            })];

        public bool WaitForExit(TimeSpan bound) => _p.WaitForExit(bound);

        public void Dispose()
        {
            try { if (!_p.HasExited) _p.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            _p.WaitForExit(5000);
            _p.Dispose();
        }
    }
}
