using System.Globalization;

namespace ShortRange.Tool.Infrastructure;

/// <summary>Hex text from the command line: "d1010855", "d1 01 08 55", "d1:01:08:55" or with a 0x prefix.</summary>
public static class Hex
{
    public static byte[] Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        s = string.Concat(s.Where(c => c is not (' ' or ':' or '-' or '\t')));
        if (s.Length == 0) throw new UsageException($"{what} is empty");
        if (s.Length % 2 != 0) throw new UsageException($"{what} has an odd number of hex digits ({s.Length})");
        try { return Convert.FromHexString(s); }
        catch (FormatException) { throw new UsageException($"{what} is not hex: '{text}'"); }
    }

    public static string Lower(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static ushort ParseUInt16(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (ushort.TryParse(hex ? text.AsSpan(2) : text, hex ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            return v;
        throw new UsageException($"{what} must be a 16-bit number (decimal or 0x-hex), not '{text}'");
    }
}
