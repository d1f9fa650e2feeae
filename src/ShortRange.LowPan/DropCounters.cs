using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan;

/// <summary>Thread-safe counters of dropped input, one per <see cref="DropReason"/>.</summary>
public sealed class DropCounters
{
    private readonly long[] _counts = new long[Enum.GetValues<DropReason>().Length];

    public long this[DropReason reason] => Interlocked.Read(ref _counts[(int)reason]);

    public long Total
    {
        get
        {
            long t = 0;
            for (int i = 0; i < _counts.Length; i++) t += Interlocked.Read(ref _counts[i]);
            return t;
        }
    }

    public void Increment(DropReason reason) => Interlocked.Increment(ref _counts[(int)reason]);
}
