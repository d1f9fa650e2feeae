using System.Buffers.Binary;
using static ShortRange.Bluetooth.Bnep.BnepConstants;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// Pure encoder/decoder of BNEP_CONTROL packets (BNEP v1.0 §2.6) over spans: no I/O, no logging. Multi-octet fields are
/// big-endian (network order, §2.2). Every length field is checked against the bytes actually present before it is used.
/// </summary>
public static class BnepCodec
{
    /// <summary>Splits the BNEP type octet (§2.4): packet type and whether extension headers follow.</summary>
    public static (byte PacketType, bool HasExtension) ReadType(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty) throw new BnepFormatException("empty BNEP packet");
        return ((byte)(packet[0] & BNEP_TYPE_MASK), (packet[0] & BNEP_EXTENSION_FLAG) != 0);
    }

    /// <summary>The encoded size of <paramref name="message"/>, BNEP type octet included.</summary>
    public static int GetEncodedLength(BnepControlMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message switch
        {
            BnepCommandNotUnderstood => 3,
            BnepSetupConnectionRequest r => 3 + 2 * UuidSizeOrThrow(r.UuidSize),
            BnepSetupConnectionResponse or BnepFilterNetTypeResponse or BnepFilterMultiAddrResponse => 4,
            BnepFilterNetTypeSet s => 4 + 4 * s.Ranges.Count,
            BnepFilterMultiAddrSet m => 4 + 12 * m.Ranges.Count,
            BnepUnknownControl => 2,
            _ => throw new ArgumentException($"unknown message {message.GetType().Name}", nameof(message)),
        };
    }

    /// <summary>Encodes into a new array.</summary>
    public static byte[] Encode(BnepControlMessage message)
    {
        var b = new byte[GetEncodedLength(message)];
        Encode(message, b);
        return b;
    }

    /// <summary>Encodes <paramref name="message"/> as a BNEP_CONTROL packet into <paramref name="destination"/>; returns the length.</summary>
    public static int Encode(BnepControlMessage message, Span<byte> destination)
    {
        int length = GetEncodedLength(message);
        if (destination.Length < length) throw new ArgumentException($"needs {length} bytes", nameof(destination));
        destination[0] = BNEP_CONTROL;
        destination[1] = message.ControlType;
        var body = destination[2..length];
        switch (message)
        {
            case BnepCommandNotUnderstood n:
                body[0] = n.UnknownControlType;
                break;
            case BnepSetupConnectionRequest r:
                body[0] = r.UuidSize;
                WriteUuid(r.DestinationService ?? throw new ArgumentException("destination service missing"), r.UuidSize, body.Slice(1, r.UuidSize));
                WriteUuid(r.SourceService ?? throw new ArgumentException("source service missing"), r.UuidSize, body.Slice(1 + r.UuidSize, r.UuidSize));
                break;
            case BnepSetupConnectionResponse r:
                BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)r.Code);
                break;
            case BnepFilterNetTypeResponse r:
                BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)r.Code);
                break;
            case BnepFilterMultiAddrResponse r:
                BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)r.Code);
                break;
            case BnepFilterNetTypeSet s:
                BinaryPrimitives.WriteUInt16BigEndian(body, checked((ushort)(4 * s.Ranges.Count)));
                for (int i = 0; i < s.Ranges.Count; i++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(body[(2 + 4 * i)..], s.Ranges[i].Start);
                    BinaryPrimitives.WriteUInt16BigEndian(body[(4 + 4 * i)..], s.Ranges[i].End);
                }
                break;
            case BnepFilterMultiAddrSet m:
                BinaryPrimitives.WriteUInt16BigEndian(body, checked((ushort)(12 * m.Ranges.Count)));
                for (int i = 0; i < m.Ranges.Count; i++)
                {
                    WriteMac(m.Ranges[i].Start, body.Slice(2 + 12 * i, 6));
                    WriteMac(m.Ranges[i].End, body.Slice(8 + 12 * i, 6));
                }
                break;
        }
        return length;
    }

    /// <summary>
    /// Decodes a BNEP_CONTROL packet (starting at the BNEP type octet). Octets after the control message are ignored
    /// (extension headers when E is set). Unknown control types decode as <see cref="BnepUnknownControl"/>.
    /// </summary>
    /// <exception cref="BnepFormatException">not a control packet, truncated, or a length field beyond the packet.</exception>
    public static BnepControlMessage DecodeControl(ReadOnlySpan<byte> packet)
    {
        var (type, _) = ReadType(packet);
        if (type != BNEP_CONTROL) throw new BnepFormatException($"BNEP packet type 0x{type:X2} is not BNEP_CONTROL");
        if (packet.Length < 2) throw new BnepFormatException("BNEP_CONTROL packet without a control type");
        byte control = packet[1];
        var body = packet[2..];
        switch (control)
        {
            case BNEP_CONTROL_COMMAND_NOT_UNDERSTOOD:
                Need(body, 1, "BNEP_CONTROL_COMMAND_NOT_UNDERSTOOD");
                return new BnepCommandNotUnderstood(body[0]);
            case BNEP_SETUP_CONNECTION_REQUEST_MSG:
                return DecodeSetupRequest(body);
            case BNEP_SETUP_CONNECTION_RESPONSE_MSG:
                Need(body, 2, "BNEP_SETUP_CONNECTION_RESPONSE_MSG");
                return new BnepSetupConnectionResponse((BnepSetupResponseCode)BinaryPrimitives.ReadUInt16BigEndian(body));
            case BNEP_FILTER_NET_TYPE_RESPONSE_MSG:
                Need(body, 2, "BNEP_FILTER_NET_TYPE_RESPONSE_MSG");
                return new BnepFilterNetTypeResponse((BnepFilterResponseCode)BinaryPrimitives.ReadUInt16BigEndian(body));
            case BNEP_FILTER_MULTI_ADDR_RESPONSE_MSG:
                Need(body, 2, "BNEP_FILTER_MULTI_ADDR_RESPONSE_MSG");
                return new BnepFilterMultiAddrResponse((BnepFilterResponseCode)BinaryPrimitives.ReadUInt16BigEndian(body));
            case BNEP_FILTER_NET_TYPE_SET_MSG:
            {
                var list = FilterList(body, 4, "BNEP_FILTER_NET_TYPE_SET_MSG");
                var ranges = new BnepNetTypeRange[list.Length / 4]; // bounded by the packet, not by a length field alone
                for (int i = 0; i < ranges.Length; i++)
                    ranges[i] = new(BinaryPrimitives.ReadUInt16BigEndian(list[(4 * i)..]), BinaryPrimitives.ReadUInt16BigEndian(list[(4 * i + 2)..]));
                return new BnepFilterNetTypeSet(ranges);
            }
            case BNEP_FILTER_MULTI_ADDR_SET_MSG:
            {
                var list = FilterList(body, 12, "BNEP_FILTER_MULTI_ADDR_SET_MSG");
                var ranges = new BnepMulticastRange[list.Length / 12];
                for (int i = 0; i < ranges.Length; i++)
                    ranges[i] = new(ReadMac(list.Slice(12 * i, 6)), ReadMac(list.Slice(12 * i + 6, 6)));
                return new BnepFilterMultiAddrSet(ranges);
            }
            default:
                return new BnepUnknownControl(control);
        }
    }

    private static BnepSetupConnectionRequest DecodeSetupRequest(ReadOnlySpan<byte> body)
    {
        Need(body, 1, "BNEP_SETUP_CONNECTION_REQUEST_MSG");
        byte size = body[0];
        if (size is not (2 or 4 or 16))
            return new BnepSetupConnectionRequest(size, null, null); // answered with "Invalid Service UUID Size"
        Need(body, 1 + 2 * size, "BNEP_SETUP_CONNECTION_REQUEST_MSG");
        return new BnepSetupConnectionRequest(size, ReadUuid(body.Slice(1, size)), ReadUuid(body.Slice(1 + size, size)));
    }

    private static ReadOnlySpan<byte> FilterList(ReadOnlySpan<byte> body, int entry, string what)
    {
        Need(body, 2, what);
        int length = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (length > body.Length - 2) throw new BnepFormatException($"{what}: list length {length} exceeds the {body.Length - 2} octets present");
        if (length % entry != 0) throw new BnepFormatException($"{what}: list length {length} is not a multiple of {entry}");
        return body.Slice(2, length);
    }

    private static void Need(ReadOnlySpan<byte> body, int n, string what)
    {
        if (body.Length < n) throw new BnepFormatException($"{what} truncated: {body.Length} of {n} octets");
    }

    private static int UuidSizeOrThrow(byte size) =>
        size is 2 or 4 or 16 ? size : throw new ArgumentException($"UUID size {size} is not 2, 4 or 16");

    /// <summary>A 2/4-octet UUID is a short form over the Base UUID; 16 octets are the full UUID, all big-endian (§2.6.3.1).</summary>
    private static Guid ReadUuid(ReadOnlySpan<byte> b) => b.Length switch
    {
        2 => Advertising.BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt16BigEndian(b)),
        4 => Advertising.BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt32BigEndian(b)),
        _ => new Guid(b, bigEndian: true),
    };

    private static void WriteUuid(Guid uuid, int size, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[16];
        uuid.TryWriteBytes(full, bigEndian: true, out _);
        if (size == 16) { full.CopyTo(destination); return; }
        uint shortValue = BinaryPrimitives.ReadUInt32BigEndian(full);
        if (Advertising.BluetoothUuid.FromShort(shortValue) != uuid || (size == 2 && shortValue > 0xFFFF))
            throw new ArgumentException($"{uuid} has no {size}-octet form");
        if (size == 2) BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)shortValue);
        else BinaryPrimitives.WriteUInt32BigEndian(destination, shortValue);
    }

    internal static ulong ReadMac(ReadOnlySpan<byte> b)
    {
        ulong v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | b[i];
        return v;
    }

    internal static void WriteMac(ulong value, Span<byte> b)
    {
        for (int i = 5; i >= 0; i--) { b[i] = (byte)value; value >>= 8; }
    }
}
