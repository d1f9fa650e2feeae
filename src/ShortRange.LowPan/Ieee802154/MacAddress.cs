using System.Buffers.Binary;
using System.Globalization;

namespace ShortRange.LowPan.Ieee802154;

/// <summary>
/// An 802.15.4 device address: none, short (16-bit) or extended (EUI-64).
/// <see cref="Extended"/> holds the EUI-64 in its printed order (most significant byte = first printed byte);
/// on the air every 802.15.4 field is little-endian, so the first byte sent is the last printed byte
/// (the kernel converts with ieee802154_le64_to_be64 in include/net/mac802154.h).
/// </summary>
public readonly record struct MacAddress
{
    /// <summary>Broadcast short address (IEEE 802.15.4-2015 §6.1).</summary>
    public const ushort BroadcastShort = 0xFFFF;

    private MacAddress(AddressingMode mode, ushort shortAddress, ulong extended)
    {
        Mode = mode;
        Short = shortAddress;
        Extended = extended;
    }

    public AddressingMode Mode { get; }
    public ushort Short { get; }
    public ulong Extended { get; }

    public static MacAddress None => default;
    public static MacAddress Broadcast => FromShort(BroadcastShort);

    public static MacAddress FromShort(ushort value) => new(AddressingMode.Short, value, 0);
    public static MacAddress FromExtended(ulong eui64) => new(AddressingMode.Extended, 0, eui64);

    /// <summary>Size of the address on the air.</summary>
    public int Length => Mode switch { AddressingMode.Short => 2, AddressingMode.Extended => 8, _ => 0 };

    public bool IsBroadcast => Mode == AddressingMode.Short && Short == BroadcastShort;

    internal void WriteAir(Span<byte> destination)
    {
        if (Mode == AddressingMode.Short) BinaryPrimitives.WriteUInt16LittleEndian(destination, Short);
        else if (Mode == AddressingMode.Extended) BinaryPrimitives.WriteUInt64LittleEndian(destination, Extended);
    }

    internal static MacAddress ReadAir(AddressingMode mode, ReadOnlySpan<byte> source) => mode switch
    {
        AddressingMode.Short => FromShort(BinaryPrimitives.ReadUInt16LittleEndian(source)),
        AddressingMode.Extended => FromExtended(BinaryPrimitives.ReadUInt64LittleEndian(source)),
        _ => None,
    };

    /// <summary>
    /// The IPv6 interface identifier derived from this address (RFC 4944 §6, RFC 6282 §3.2.2):
    /// extended → EUI-64 with the Universal/Local bit inverted; short → 0000:00ff:fe00:XXXX.
    /// </summary>
    public void WriteInterfaceIdentifier(Span<byte> iid)
    {
        if (Mode == AddressingMode.Extended)
        {
            BinaryPrimitives.WriteUInt64BigEndian(iid, Extended);
            iid[0] ^= 0x02;
        }
        else if (Mode == AddressingMode.Short)
        {
            iid[..6].Clear();
            iid[3] = 0xFF;
            iid[4] = 0xFE;
            BinaryPrimitives.WriteUInt16BigEndian(iid[6..], Short);
        }
        else
        {
            throw new InvalidOperationException("An absent link-layer address has no interface identifier.");
        }
    }

    public override string ToString() => Mode switch
    {
        AddressingMode.Short => string.Create(CultureInfo.InvariantCulture, $"0x{Short:x4}"),
        AddressingMode.Extended => FormatExtended(Extended),
        _ => "none",
    };

    /// <summary>Formats an EUI-64 as iwpan prints it (0x0011223344556677 → 00:11:22:33:44:55:66:77).</summary>
    public static string FormatExtended(ulong eui64)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, eui64);
        return string.Join(':', b.ToArray().Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
