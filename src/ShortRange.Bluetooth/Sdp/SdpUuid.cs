namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// The Bluetooth Base UUID 00000000-0000-1000-8000-00805F9B34FB (Core spec Vol 3 Part B §2.5.1) and the well-known
/// 16-bit UUIDs SDP uses (Bluetooth Assigned Numbers, "Service Discovery" and "Protocol Identifiers").
/// </summary>
public static class SdpUuid
{
    public static readonly Guid BaseUuid = new("00000000-0000-1000-8000-00805F9B34FB");

    // Protocol identifiers (Assigned Numbers §3.1)
    public const ushort SDP = 0x0001, RFCOMM = 0x0003, OBEX = 0x0008, BNEP = 0x000F, L2CAP = 0x0100;

    // Service classes and profiles (Assigned Numbers §3.3)
    public const ushort ServiceDiscoveryServerServiceClassID = 0x1000, BrowseGroupDescriptorServiceClassID = 0x1001,
        PublicBrowseRoot = 0x1002, SerialPort = 0x1101, PANU = 0x1115, NAP = 0x1116, GN = 0x1117, PnPInformation = 0x1200,
        GenericAccess = 0x1800, GenericAttribute = 0x1801;

    /// <summary>Expands a 16- or 32-bit UUID on the Base UUID: value × 2^96 + Base (§2.5.1).</summary>
    public static Guid FromShort(uint value)
    {
        Span<byte> b = stackalloc byte[16];
        BaseUuid.TryWriteBytes(b, bigEndian: true, out _);
        b[0] = (byte)(value >> 24); b[1] = (byte)(value >> 16); b[2] = (byte)(value >> 8); b[3] = (byte)value;
        return new Guid(b, bigEndian: true);
    }

    /// <summary>True when <paramref name="uuid"/> lies on the Base UUID; <paramref name="value"/> is its 32-bit short form.</summary>
    public static bool TryGetShort(Guid uuid, out uint value)
    {
        Span<byte> u = stackalloc byte[16], b = stackalloc byte[16];
        uuid.TryWriteBytes(u, bigEndian: true, out _);
        BaseUuid.TryWriteBytes(b, bigEndian: true, out _);
        value = (uint)(u[0] << 24 | u[1] << 16 | u[2] << 8 | u[3]);
        return u[4..].SequenceEqual(b[4..]);
    }

    /// <summary>Parses "0x1101", "1101", "00001101" (short forms) or a full 128-bit UUID string.</summary>
    public static Guid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (t.Length is 4 or 8 && uint.TryParse(t, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out uint s))
            return FromShort(s);
        return Guid.Parse(text);
    }
}
