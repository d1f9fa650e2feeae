using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.HwTests.Infrastructure;
using static ShortRange.HwTests.Bluetooth.RfcommHwTests;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// RFCOMM client→server throughput of our <see cref="RfcommStream"/> beside BlueZ's <c>rctest -s</c> on the same link in the
/// same run (issue 15; a measurement, not a timed assertion). Both senders write the same bytes (rctest's frames: le32
/// sequence, le16 size, 0x7F fill; tools/rctest.c do_send) with the same write size (-b) and count (-N), with the socket's
/// default SO_SNDBUF, into one receiver: an <see cref="RfcommListener"/> on hci1 that checks every byte and times first →
/// last byte. Rounds alternate ABAB… with the order flipped every pair (ours-first, rctest-first, …) so that drift of the
/// TCG host hits both; the ratio of each pair and their median are reported. Every round must deliver every byte exactly.
/// </summary>
public class RfcommThroughputHwTests
{
    private const int Block = 4096;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;

    /// <summary>Frames per round (<c>SHORTRANGE_RFCOMM_FRAMES</c>, default 256 × 4 KiB = 1 MiB).</summary>
    private static int Frames => Env("SHORTRANGE_RFCOMM_FRAMES", 256);

    /// <summary>Measured pairs (<c>SHORTRANGE_RFCOMM_PAIRS</c>, default 7), after one unmeasured warm-up pair.</summary>
    private static int Pairs => Env("SHORTRANGE_RFCOMM_PAIRS", 7);

    private static byte[] RctestFrames(int frames)
    {
        var d = new byte[Block * frames];
        for (int f = 0; f < frames; f++)
        {
            var frame = d.AsSpan(f * Block, Block);
            frame.Fill(0x7F);
            BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)f);
            BinaryPrimitives.WriteUInt16LittleEndian(frame[4..], Block);
        }
        return d;
    }

    private sealed record Round(string Sender, long Bytes, double Seconds, string? Error)
    {
        public double KiBs => Bytes / Seconds / 1024;
    }

    [Fact]
    public async Task Our_stream_sends_as_fast_as_rctest_s_into_the_same_receiver_interleaved()
    {
        string rctest = LabRequire.Tool("rctest");
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        int frames = Frames, pairs = Pairs;
        var expected = RctestFrames(frames);
        using var listener = RfcommListener.Listen(peer);
        string channel = listener.Channel.ToString(CultureInfo.InvariantCulture);
        // Rounds connect one after another: an idle DLC on another channel keeps the RFCOMM session up between them.
        await using var keeper = await SessionKeeper.OpenAsync(local, peer, Ct);

        // Receives one connection to the end, checking every byte; seconds from the first byte to the last.
        async Task<Round> ReceiveAsync(string sender, Func<Task> send)
        {
            var accept = listener.AcceptAsync(Ct);
            var sending = send();
            await using var s = await accept.WaitAsync(Bound, Ct);
            var got = new byte[expected.Length + Block];
            int n = 0;
            long first = 0, last = 0;
            while (true)
            {
                int r = await s.ReadAsync(got.AsMemory(Math.Min(n, expected.Length)), Ct).AsTask().WaitAsync(Bound, Ct);
                if (r == 0) break;
                last = Stopwatch.GetTimestamp();
                if (n == 0) first = last;
                n += r;
            }
            await sending.WaitAsync(Bound, Ct);
            string? error = n != expected.Length ? $"{n} of {expected.Length} bytes"
                : !got.AsSpan(0, n).SequenceEqual(expected) ? $"bytes differ at {got.AsSpan(0, n).CommonPrefixLength(expected)}" : null;
            return new Round(sender, n, Stopwatch.GetElapsedTime(first, last).TotalSeconds, error);
        }

        Task<Round> Ours() => ReceiveAsync("ShortRange", async () =>
        {
            var client = await RfcommStream.ConnectAsync(local, peer, listener.Channel, cancellationToken: Ct);
            try
            {
                for (int f = 0; f < frames; f++) await client.WriteAsync(expected.AsMemory(f * Block, Block), Ct);
            }
            finally
            {
                await client.CloseAsync();
            }
        });

        Task<Round> Theirs() => ReceiveAsync("rctest", () => Task.Run(() =>
        {
            using var sender = Rctest.Start(rctest, "-s", "-b", Block.ToString(CultureInfo.InvariantCulture), "-N", frames.ToString(CultureInfo.InvariantCulture),
                "-P", channel, "-i", Format(local), Format(peer));
            Assert.True(sender.WaitForExit(Bound), "rctest -s did not exit: " + sender.Output);
        }, Ct));

        // Warm-up pair (not measured): JIT of our send/receive paths, rctest's pages in the guest's cache.
        var warm = new[] { await Ours(), await Theirs() };
        var rounds = new List<Round>();
        var ratios = new List<double>();
        for (int p = 0; p < pairs; p++)
        {
            Round a, b;
            if (p % 2 == 0) { a = await Ours(); b = await Theirs(); }
            else { b = await Theirs(); a = await Ours(); }
            rounds.AddRange(p % 2 == 0 ? [a, b] : [b, a]);
            ratios.Add(a.KiBs / b.KiBs);
        }

        static double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }
        string F(double x) => x.ToString("F0", CultureInfo.InvariantCulture);
        string line = $"RFCOMM {frames} x {Block} B per round, default SO_SNDBUF, one checking receiver, {pairs} pairs ABAB (order flipped each pair): "
            + string.Join(" ", rounds.Select(r => $"{(r.Sender == "rctest" ? "R" : "S")}={F(r.KiBs)}")) + " KiB/s; ratio per pair "
            + string.Join("/", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))
            + $"; median ShortRange {F(Median(rounds.Where(r => r.Sender != "rctest").Select(r => r.KiBs)))} KiB/s, rctest {F(Median(rounds.Where(r => r.Sender == "rctest").Select(r => r.KiBs)))} KiB/s, "
            + $"median ratio {Median(ratios).ToString("F2", CultureInfo.InvariantCulture)}";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@RFCOMM " + line);
        foreach (var r in warm.Concat(rounds))
            Assert.True(r.Error is null, $"{r.Sender} round: {r.Error}; {line}");
    }
}
