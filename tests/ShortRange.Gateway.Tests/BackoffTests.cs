using Microsoft.Extensions.Time.Testing;
using ShortRange.Gateway.Workers;

namespace ShortRange.Gateway.Tests;

/// <summary>The retry loop every gateway worker runs its radio in: pacing, what it retries, and how it stops.</summary>
public sealed class BackoffTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Pacing_doubles_from_one_second_and_stops_at_thirty()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(f => Backoff.Delay(f).TotalSeconds));
    }

    [Fact]
    public async Task Failing_rounds_are_reported_and_retried_after_growing_delays()
    {
        var time = new ObservedTime();
        var starts = new List<DateTimeOffset>();
        var reported = new List<string>();
        using var stop = new CancellationTokenSource();
        var loop = Backoff.RepeatAsync(_ =>
        {
            starts.Add(time.GetUtcNow());
            if (starts.Count == 4) stop.Cancel();
            return Task.FromException(new IOException("radio gone " + starts.Count));
        }, e => e is IOException, e => reported.Add(e.Message), stop.Token, time);

        for (int i = 0; i < 3; i++)
        {
            await WaitUntilAsync(() => starts.Count == i + 1 && time.Timers == i + 1);
            time.Advance(Backoff.Delay(i));
        }
        await loop.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var t0 = starts[0];
        Assert.Equal([0.0, 1, 3, 7], starts.Select(s => (s - t0).TotalSeconds));
        Assert.Equal(["radio gone 1", "radio gone 2", "radio gone 3", "radio gone 4"], reported);
    }

    [Fact]
    public async Task A_round_that_ran_a_minute_resets_the_pacing()
    {
        var time = new ObservedTime();
        int rounds = 0;
        using var stop = new CancellationTokenSource();
        var healthy = new TaskCompletionSource();
        var loop = Backoff.RepeatAsync(_ =>
        {
            rounds++;
            if (rounds == 3) return healthy.Task;          // a radio that runs, then fails after a minute
            if (rounds == 4) stop.Cancel();
            return Task.FromException(new IOException("x"));
        }, _ => true, _ => { }, stop.Token, time);

        await WaitUntilAsync(() => time.Timers == 1);
        time.Advance(Backoff.Delay(0));
        await WaitUntilAsync(() => time.Timers == 2);
        time.Advance(Backoff.Delay(1));
        await WaitUntilAsync(() => rounds == 3);
        time.Advance(Backoff.HealthyRound);
        healthy.SetException(new IOException("gone after a minute"));
        await WaitUntilAsync(() => time.Timers == 3);
        time.Advance(Backoff.Delay(0) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, rounds);                          // not before the first step again...
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => rounds == 4);           // ...and exactly at it (1 s, not 4 s)
        await loop.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task An_error_it_does_not_retry_ends_the_worker()
    {
        var loop = Backoff.RepeatAsync(_ => Task.FromException(new NullReferenceException("bug")), e => e is IOException, _ => { }, Ct,
            new ObservedTime());
        await Assert.ThrowsAsync<NullReferenceException>(() => loop);
    }

    [Fact]
    public async Task Stopping_ends_a_running_round_and_the_wait_between_rounds()
    {
        using var stop = new CancellationTokenSource();
        var time = new ObservedTime();
        int rounds = 0;
        var loop = Backoff.RepeatAsync(async c => { rounds++; await Task.Delay(Timeout.Infinite, c); }, _ => false, _ => { }, stop.Token, time);
        await WaitUntilAsync(() => rounds == 1);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10), Ct);   // completes, does not throw

        using var stop2 = new CancellationTokenSource();
        int failed = 0;
        var waiting = Backoff.RepeatAsync(_ => Task.FromException(new IOException()), _ => true, _ => failed++, stop2.Token, time);
        await WaitUntilAsync(() => failed == 1);
        await stop2.CancelAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, failed);
    }

    /// <summary>Fake time that counts the timers it was asked for: a delay exists before the test moves time past it.</summary>
    private sealed class ObservedTime : FakeTimeProvider
    {
        private int _timers;
        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(5, Ct);
        }
    }
}
