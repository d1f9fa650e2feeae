using System.Globalization;
using System.Text.RegularExpressions;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// The ATT PDUs in btmon's decoding (<c>btmon -r</c>, BlueZ monitor/att.c) of one controller's capture, in order: each
/// "ATT: Name (0xNN) len N" line under the ACL header that carried it ("&lt; ACL Data TX" sent by this host, "&gt; ACL
/// Data RX" received). For an Error Response also the request opcode and error code btmon printed below it.
/// </summary>
internal sealed partial class BtmonAttTrace
{
    public sealed record Pdu(bool Sent, byte Opcode, string Name, byte? RequestInError, byte? ErrorCode);

    private BtmonAttTrace(List<Pdu> pdus) => Pdus = pdus;

    public IReadOnlyList<Pdu> Pdus { get; }

    /// <summary>Parses btmon's text; ACL headers of another index than <paramref name="adapter"/> ("hci1") are ignored.</summary>
    public static BtmonAttTrace Parse(string decoded, string adapter)
    {
        var pdus = new List<Pdu>();
        var lines = decoded.Split('\n');
        bool? sent = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length > 0 && line[0] is '<' or '>' or '@' or '=')
            {
                bool ours = !line.Contains("[hci", StringComparison.Ordinal) || line.Contains($"[{adapter}]", StringComparison.Ordinal);
                sent = !ours ? null : line.StartsWith("< ACL Data TX", StringComparison.Ordinal) ? true
                    : line.StartsWith("> ACL Data RX", StringComparison.Ordinal) ? false : null;
                continue;
            }
            var m = AttLine().Match(line);
            if (!m.Success || sent is not { } direction) continue;
            byte opcode = byte.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            byte? request = null, error = null;
            if (opcode == 0x01)
            {
                // att_error_response: "<request name> (0xNN)", "Handle: 0xHHHH", "Error: <name> (0xNN)".
                for (int k = i + 1; k < Math.Min(lines.Length, i + 4); k++)
                {
                    var e = ErrorLine().Match(lines[k]);
                    if (e.Success) error = byte.Parse(e.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    else if (request is null && OpcodeLine().Match(lines[k]) is { Success: true } r)
                        request = byte.Parse(r.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
            pdus.Add(new Pdu(direction, opcode, m.Groups[1].Value, request, error));
        }
        return new BtmonAttTrace(pdus);
    }

    [GeneratedRegex(@"^\s+ATT: (.+?) \(0x([0-9a-f]{2})\) len \d+")]
    private static partial Regex AttLine();

    [GeneratedRegex(@"^\s+Error: .+ \(0x([0-9a-f]{2})\)\s*$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^\s+[A-Z][A-Za-z ]+ \(0x([0-9a-f]{2})\)\s*$")]
    private static partial Regex OpcodeLine();
}
