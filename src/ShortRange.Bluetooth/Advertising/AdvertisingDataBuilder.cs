using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// Builds AD data: AD structures Length (1) | AD Type (1) | Data (Core Vol 3 Part C §11; types and formats in the
/// Core Specification Supplement Part A §1). Pure: bytes in, bytes out. <see cref="Build"/> throws
/// <see cref="AdvertisingDataException"/> when the result exceeds the limit (31 octets for legacy advertising,
/// Vol 6 Part B §2.3.1.1; the kernel reports its own in mgmt Read Advertising Features).
/// </summary>
public sealed class AdvertisingDataBuilder
{
    /// <summary>Legacy advertising and scan response data are at most 31 octets.</summary>
    public const int LegacyMaxLength = 31;

    private readonly List<byte[]> _structures = [];

    /// <summary>AD type Flags (CSS Part A §1.3), e.g. 0x06 = LE General Discoverable | BR/EDR Not Supported.</summary>
    public AdvertisingDataBuilder Flags(byte flags) => Add(AdType.Flags, [flags]);

    /// <summary>Complete Local Name (CSS Part A §1.2), UTF-8.</summary>
    public AdvertisingDataBuilder CompleteName(string name) => Add(AdType.CompleteLocalName, Encoding.UTF8.GetBytes(name ?? throw new ArgumentNullException(nameof(name))));

    /// <summary>Shortened Local Name (CSS Part A §1.2), UTF-8.</summary>
    public AdvertisingDataBuilder ShortenedName(string name) => Add(AdType.ShortenedLocalName, Encoding.UTF8.GetBytes(name ?? throw new ArgumentNullException(nameof(name))));

    /// <summary>
    /// Complete lists of service UUIDs (CSS Part A §1.1): 16-bit aliases in one structure (type 0x03), the others as
    /// 128-bit in another (type 0x07).
    /// </summary>
    public AdvertisingDataBuilder ServiceUuids(IEnumerable<Guid> uuids)
    {
        ArgumentNullException.ThrowIfNull(uuids);
        var shorts = new List<byte>();
        var longs = new List<byte>();
        Span<byte> one = stackalloc byte[16];
        foreach (var uuid in uuids)
        {
            int n = AttUuid.Write(uuid, one);
            (n == 2 ? shorts : longs).AddRange(one[..n]);
        }
        if (shorts.Count > 0) Add(AdType.CompleteUuid16, [.. shorts]);
        if (longs.Count > 0) Add(AdType.CompleteUuid128, [.. longs]);
        return this;
    }

    /// <summary>Manufacturer Specific Data (CSS Part A §1.4): company identifier (little-endian) then the data.</summary>
    public AdvertisingDataBuilder ManufacturerData(ushort companyId, ReadOnlySpan<byte> data)
    {
        var v = new byte[2 + data.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(v, companyId);
        data.CopyTo(v.AsSpan(2));
        return Add(AdType.ManufacturerSpecificData, v);
    }

    /// <summary>Service Data for a 16-bit UUID (CSS Part A §1.11, type 0x16) or a 128-bit one (type 0x21).</summary>
    public AdvertisingDataBuilder ServiceData(Guid uuid, ReadOnlySpan<byte> data)
    {
        Span<byte> u = stackalloc byte[16];
        int n = AttUuid.Write(uuid, u);
        return Add(n == 2 ? AdType.ServiceData16 : AdType.ServiceData128, [.. u[..n], .. data]);
    }

    /// <summary>Appearance (CSS Part A §1.12), little-endian.</summary>
    public AdvertisingDataBuilder Appearance(ushort appearance)
    {
        var v = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(v, appearance);
        return Add(AdType.Appearance, v);
    }

    /// <summary>Any AD structure; <paramref name="data"/> is at most 254 octets (Length counts the type octet too).</summary>
    public AdvertisingDataBuilder Add(byte type, ReadOnlySpan<byte> data)
    {
        if (data.Length > 254)
            throw new AdvertisingDataException(string.Create(CultureInfo.InvariantCulture, $"AD type 0x{type:X2} carries {data.Length} octets; at most 254 fit one structure"));
        _structures.Add([(byte)(data.Length + 1), type, .. data]);
        return this;
    }

    /// <summary>Octets the structures take so far.</summary>
    public int Length => _structures.Sum(s => s.Length);

    /// <summary>The AD data; throws <see cref="AdvertisingDataException"/> past <paramref name="maxLength"/>.</summary>
    public byte[] Build(int maxLength = LegacyMaxLength)
    {
        int length = Length;
        if (length > maxLength)
            throw new AdvertisingDataException(string.Create(CultureInfo.InvariantCulture, $"AD data of {length} octets exceeds the limit of {maxLength}"));
        var result = new byte[length];
        int pos = 0;
        foreach (var s in _structures)
        {
            s.CopyTo(result, pos);
            pos += s.Length;
        }
        return result;
    }
}
