namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// An HCI Event packet (Core Vol 4 Part E §5.4.4): Event_Code (1 octet), Parameter_Total_Length (1 octet), parameters.
/// Decoders of the parameters are in <see cref="HciEvents"/>.
/// </summary>
public readonly record struct HciEventPacket(byte Code, ReadOnlyMemory<byte> Parameters)
{
    public const int HeaderSize = 2;

    /// <summary>The LE Meta subevent code (first parameter), or null for other events.</summary>
    public byte? Subevent => Code == HciEventCode.HCI_LE_Meta && Parameters.Length > 0 ? Parameters.Span[0] : null;

    public int Size => HeaderSize + Parameters.Length;

    public int WriteTo(Span<byte> destination)
    {
        if (Parameters.Length > byte.MaxValue) throw new ArgumentException("HCI event parameters are at most 255 octets");
        if (destination.Length < Size) throw new ArgumentException("destination too small", nameof(destination));
        destination[0] = Code;
        destination[1] = (byte)Parameters.Length;
        Parameters.Span.CopyTo(destination[HeaderSize..]);
        return Size;
    }

    /// <summary>Indicator (HCI_EVENT_PKT) plus packet, as a Linux HCI socket delivers it.</summary>
    public byte[] ToDatagram()
    {
        var d = new byte[1 + Size];
        d[0] = HciPacketType.HCI_EVENT_PKT;
        WriteTo(d.AsSpan(1));
        return d;
    }

    /// <summary>Decodes a packet (no indicator); Parameter_Total_Length must match the bytes present.</summary>
    public static HciEventPacket Decode(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderSize) throw new HciFormatException($"HCI event packet: {packet.Length} bytes, header needs {HeaderSize}");
        int len = packet[1];
        if (packet.Length - HeaderSize != len)
            throw new HciFormatException($"HCI event {HciEventCode.Name(packet[0])}: Parameter_Total_Length {len} but {packet.Length - HeaderSize} parameter bytes");
        return new HciEventPacket(packet[0], packet[HeaderSize..].ToArray());
    }
}
