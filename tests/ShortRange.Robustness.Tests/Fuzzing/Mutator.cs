using System.Buffers.Binary;
using CsCheck;

namespace ShortRange.Robustness.Tests.Fuzzing;

/// <summary>
/// AFL-style "havoc" mutations of valid seeds: bit flips, interesting bytes and 16/32-bit values (both byte orders)
/// at random offsets — which is where length fields sit —, inserted/deleted/duplicated ranges, truncation and
/// splicing with another seed. Deterministic for a given CsCheck sample, so a failing seed replays.
/// </summary>
internal static class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x03, 0x07, 0x08, 0x0F, 0x10, 0x1F, 0x20, 0x3F, 0x40, 0x7F, 0x80, 0x81, 0xC0, 0xE0, 0xFE, 0xFF];
    private static readonly uint[] InterestingWords = [0, 1, 2, 4, 8, 16, 0x7F, 0x80, 0xFF, 0x100, 0x3FF, 0x7FF, 0x800, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    /// <summary>Mutants of <paramref name="seeds"/> (1–8 stacked mutations each), plus the seeds themselves now and then.</summary>
    public static Gen<byte[]> Mutants(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int, Gen.Int[0, 8], (i, rnd, n) => Mutate(seeds, seeds[i], new Random(rnd), n));

    /// <summary>Mutants of whatever <paramref name="structured"/> generates (structure first, then havoc).</summary>
    public static Gen<byte[]> Mutants(Gen<byte[]> structured) =>
        Gen.Select(structured, structured, Gen.Int, Gen.Int[0, 6], (a, b, rnd, n) => Mutate([a, b], a, new Random(rnd), n));

    /// <summary>The usual mix for a parser: valid structured input, its mutants, mutated seeds and raw noise.</summary>
    public static Gen<byte[]> Mix(Gen<byte[]> structured, IReadOnlyList<byte[]> seeds, int maxNoise = 300) =>
        Gen.Frequency(
            (2, structured),
            (4, Mutants(structured)),
            (3, Mutants(seeds)),
            (1, Gen.Byte.Array[0, maxNoise]));

    public static byte[] Mutate(IReadOnlyList<byte[]> pool, byte[] seed, Random r, int count)
    {
        var b = new List<byte>(seed);
        for (int k = 0; k < count; k++)
        {
            switch (r.Next(11))
            {
                case 0 when b.Count > 0:
                    { int i = r.Next(b.Count); b[i] ^= (byte)(1 << r.Next(8)); break; }
                case 1 when b.Count > 0:
                    b[r.Next(b.Count)] = InterestingBytes[r.Next(InterestingBytes.Length)];
                    break;
                case 2 when b.Count > 0:
                    b[r.Next(b.Count)] = (byte)r.Next(256);
                    break;
                case 3 when b.Count >= 2:
                    Word(b, r, 2);
                    break;
                case 4 when b.Count >= 4:
                    Word(b, r, 4);
                    break;
                case 5:
                    {
                        int at = r.Next(b.Count + 1), n = r.Next(1, 17);
                        var ins = new byte[n];
                        r.NextBytes(ins);
                        b.InsertRange(at, ins);
                        break;
                    }
                case 6 when b.Count > 0:
                    { int at = r.Next(b.Count), n = Math.Min(b.Count - at, r.Next(1, 17)); b.RemoveRange(at, n); break; }
                case 7 when b.Count > 0:
                    { int cut = r.Next(b.Count); b.RemoveRange(cut, b.Count - cut); break; } // truncate somewhere
                case 8 when b.Count > 0:
                    { int at = r.Next(b.Count), n = Math.Min(b.Count - at, r.Next(1, 33)); b.InsertRange(r.Next(b.Count + 1), b.GetRange(at, n)); break; }
                case 9:
                    {
                        var other = pool[r.Next(pool.Count)];
                        if (other.Length == 0) break;
                        int from = r.Next(other.Length), cut = r.Next(b.Count + 1);
                        b.RemoveRange(cut, b.Count - cut);
                        b.AddRange(other.AsSpan(from).ToArray());
                        break;
                    }
                default:
                    if (b.Count > 0) b[r.Next(b.Count)] = (byte)(b[r.Next(b.Count)] + r.Next(-4, 5));
                    break;
            }
        }
        return [.. b];
    }

    private static void Word(List<byte> b, Random r, int width)
    {
        uint v = InterestingWords[r.Next(InterestingWords.Length)];
        if (r.Next(3) == 0) v = (uint)(b.Count + r.Next(-2, 3)); // a length near the real one
        Span<byte> w = stackalloc byte[4];
        if (r.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(w, v);
        else BinaryPrimitives.WriteUInt32BigEndian(w, width == 2 ? v << 16 : v);
        int at = r.Next(b.Count - width + 1);
        for (int i = 0; i < width; i++) b[at + i] = w[i];
    }
}
