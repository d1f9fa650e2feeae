namespace ShortRange.Gateway.Workers;

/// <summary>
/// Retry pacing for radios that fail or disappear, shared by every worker: 1 s doubling to 30 s, reset after a round
/// that lasted a minute (a radio that ran that long was healthy; its next failure starts the pacing again).
/// </summary>
internal static class Backoff
{
    internal static readonly TimeSpan HealthyRound = TimeSpan.FromMinutes(1);

    public static TimeSpan Delay(int failures) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5))));

    /// <summary>
    /// Runs <paramref name="round"/> again and again until <paramref name="stoppingToken"/> is cancelled, waiting
    /// <see cref="Delay"/> between rounds. A round that throws what <paramref name="retryable"/> accepts is reported to
    /// <paramref name="failed"/> and retried; anything else ends the worker (a bug should not be retried forever).
    /// </summary>
    public static async Task RepeatAsync(Func<CancellationToken, Task> round, Func<Exception, bool> retryable, Action<Exception> failed,
        CancellationToken stoppingToken, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            long started = time.GetTimestamp();
            try { await round(stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) when (retryable(e)) { failed(e); }
            if (time.GetElapsedTime(started) >= HealthyRound) failures = 0;
            try { await Task.Delay(Delay(failures++), time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}
