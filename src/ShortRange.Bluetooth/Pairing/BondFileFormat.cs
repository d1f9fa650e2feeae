using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Pairing;

/// <summary>
/// The line format of one bond file: "key=value" lines, hex keys, fields of a key separated by ','.
/// <code>
/// version=1
/// address=AA:BB:CC:DD:EE:FF
/// address_type=0
/// link_key=type,hex16,pin_length
/// ltk=type,central,enc_size,ediv,rand,hex16      (0..n lines)
/// irk=hex16
/// </code>
/// </summary>
internal static class BondFileFormat
{
    public static string Write(Bond bond)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        sb.Append("version=1\n");
        sb.Append(ci, $"address={bond.Address}\n");
        sb.Append(ci, $"address_type={(byte)bond.Address.Type}\n");
        if (bond.LinkKey is { } lk) sb.Append(ci, $"link_key={lk.KeyType},{Convert.ToHexString(lk.Value)},{lk.PinLength}\n");
        foreach (var k in bond.LongTermKeys)
            sb.Append(ci, $"ltk={k.KeyType},{(k.Central ? 1 : 0)},{k.EncryptionSize},{k.EncryptionDiversifier},{k.RandomNumber},{Convert.ToHexString(k.Value)}\n");
        if (bond.Irk is { } irk) sb.Append(ci, $"irk={Convert.ToHexString(irk.Value)}\n");
        return sb.ToString();
    }

    /// <summary>Parses a bond file; throws <see cref="FormatException"/> naming the bad line.</summary>
    public static Bond Read(string text)
    {
        // A number too large for its field (byte/ushort/ulong.Parse) is a corrupt file too: keep the one documented type.
        try { return ReadCore(text); }
        catch (OverflowException ex) { throw new FormatException(ex.Message, ex); }
    }

    private static Bond ReadCore(string text)
    {
        var map = new List<(string Key, string Value)>();
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"line {lineNo}: expected key=value");
            map.Add((line[..eq], line[(eq + 1)..]));
        }
        string One(string key) => map.FirstOrDefault(m => m.Key == key).Value ?? throw new FormatException($"missing '{key}'");
        if (One("version") != "1") throw new FormatException("unsupported version " + One("version"));
        byte type = byte.Parse(One("address_type"), CultureInfo.InvariantCulture);
        if (type > 2) throw new FormatException("invalid address_type " + type.ToString(CultureInfo.InvariantCulture));
        var address = BluetoothDeviceAddress.Parse(One("address"), (BluetoothAddressType)type);
        LinkKey? linkKey = null;
        IdentityResolvingKey? irk = null;
        var ltks = new List<LongTermKey>();
        foreach (var (key, value) in map)
        {
            var f = value.Split(',');
            switch (key)
            {
                case "link_key":
                    Expect(f, 3, key);
                    linkKey = new LinkKey(address, B(f[0]), Key(f[1]), B(f[2]));
                    break;
                case "ltk":
                    Expect(f, 6, key);
                    ltks.Add(new LongTermKey(address, B(f[0]), B(f[1]) != 0, B(f[2]),
                        ushort.Parse(f[3], CultureInfo.InvariantCulture), ulong.Parse(f[4], CultureInfo.InvariantCulture), Key(f[5])));
                    break;
                case "irk":
                    Expect(f, 1, key);
                    irk = new IdentityResolvingKey(address, Key(f[0]));
                    break;
            }
        }
        return new Bond(address, linkKey, ltks, irk);
    }

    private static void Expect(string[] f, int n, string key)
    {
        if (f.Length != n) throw new FormatException($"'{key}' needs {n} fields, has {f.Length}");
    }

    private static byte B(string s) => byte.Parse(s, CultureInfo.InvariantCulture);

    private static byte[] Key(string hex)
    {
        var k = Convert.FromHexString(hex);
        return k.Length == 16 ? k : throw new FormatException("a key needs 16 bytes");
    }
}
