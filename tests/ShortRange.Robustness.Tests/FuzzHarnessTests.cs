using CsCheck;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>The fuzz harness's allocation contract itself: a parser over budget fails, a one-time runtime cost does not.</summary>
public sealed class FuzzHarnessTests
{
    private static readonly Gen<byte[]> Small = Gen.Byte.Array[1, 32];

    private static Exception? Contract(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is FuzzContractException) return x;
            if (x is AggregateException a && a.InnerExceptions.Count == 1 && Contract(a.InnerExceptions[0]) is { } found) return found;
        }
        return null;
    }

    [Fact]
    public void A_parser_that_allocates_past_the_budget_on_every_parse_fails()
    {
        var e = Assert.ThrowsAny<Exception>(() => FuzzHarness.Run(Small, b => GC.KeepAlive(new byte[b.Length * 1024]),
            new AllocationBudget(64, 8192), typeof(FormatException)));
        Assert.Contains("allocated", Assert.IsType<FuzzContractException>(Contract(e)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_time_cost_on_a_first_parse_is_told_apart_from_the_parser()
    {
        int calls = 0;
        var stats = FuzzHarness.Run(Small, b =>
        {
            // Past the harness's 50-input warm-up: once, 64 KiB, as a first-use runtime cost would be.
            if (Interlocked.Increment(ref calls) == 60) GC.KeepAlive(new byte[64 * 1024]);
        }, new AllocationBudget(64, 8192), typeof(FormatException));
        Assert.Equal(1, stats.FirstUseOverBudget);
        Assert.True(stats.MaxFirstUseAllocated >= 64 * 1024, stats.ToString());
        Assert.True(stats.MaxAllocated < 8192, stats.ToString());
    }
}
