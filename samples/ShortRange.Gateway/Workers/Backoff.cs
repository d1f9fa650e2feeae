namespace ShortRange.Gateway.Workers;

/// <summary>Retry pacing for radios that fail or disappear: 1 s doubling to 30 s, reset after a run that lasted a minute.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int failures) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5))));
}
