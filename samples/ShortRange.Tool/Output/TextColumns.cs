using System.Text;

namespace ShortRange.Tool.Output;

/// <summary>Plain aligned columns for non-terminal output (greppable, no box drawing).</summary>
public static class TextColumns
{
    public static string Format(IReadOnlyList<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return "";
        int columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var r in rows)
            for (int i = 0; i < r.Length; i++) widths[i] = Math.Max(widths[i], r[i].Length);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int i = 0; i < r.Length; i++)
            {
                if (i == r.Length - 1) sb.Append(r[i]);
                else sb.Append(r[i].PadRight(widths[i] + 2));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
