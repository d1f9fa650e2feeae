using System.Buffers.Binary;
using System.Text;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>One EIR / AD structure (Bluetooth Core, Vol 3 Part C section 8): type and data (length byte implied).</summary>
public sealed record BluetoothEirField(byte Type, ReadOnlyMemory<byte> Data)
{
    // Assigned numbers (Bluetooth "Generic Access Profile" data types) used in NFC pairing (Bluetooth SSP using NFC 1.x).
    public const byte Flags = 0x01, Incomplete16BitUuids = 0x02, Complete16BitUuids = 0x03, ShortenedLocalName = 0x08,
        CompleteLocalName = 0x09, ClassOfDevice = 0x0D, SimplePairingHashC192 = 0x0E, SimplePairingRandomizerR192 = 0x0F,
        SecurityManagerTk = 0x10, Appearance = 0x19, LeBluetoothDeviceAddress = 0x1B, LeRole = 0x1C,
        SimplePairingHashC256 = 0x1D, SimplePairingRandomizerR256 = 0x1E, LeScConfirmation = 0x22, LeScRandom = 0x23;
}

/// <summary>
/// Bluetooth carrier configuration records (Bluetooth Secure Simple Pairing Using NFC, NFC Forum / Bluetooth SIG application
/// document): BR/EDR "application/vnd.bluetooth.ep.oob" — OOB Data Length (2 bytes, little-endian, counting itself),
/// BD_ADDR (6 bytes, little-endian), then EIR structures — and LE "application/vnd.bluetooth.le.oob" — AD structures only,
/// with LE Bluetooth Device Address (0x1B: 6 address bytes + 1 type byte) and LE Role (0x1C) mandatory.
/// </summary>
public static class NdefBluetoothOob
{
    public const string EpOobMimeType = "application/vnd.bluetooth.ep.oob";
    public const string LeOobMimeType = "application/vnd.bluetooth.le.oob";

    /// <summary>BR/EDR OOB record with <paramref name="id"/> (the carrier data reference).</summary>
    public static NdefRecord CreateEp(ulong address, IReadOnlyList<BluetoothEirField> eir, string id = "0")
    {
        ArgumentNullException.ThrowIfNull(eir);
        if (address > 0xFFFF_FFFF_FFFFUL) throw new ArgumentOutOfRangeException(nameof(address), "BD_ADDR is 48 bits");
        int len = 8 + EirLength(eir);
        if (len > ushort.MaxValue) throw new ArgumentException("OOB data longer than 65535 bytes", nameof(eir));
        var b = new byte[len];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)len);
        WriteAddress(b.AsSpan(2), address);
        WriteEir(b.AsSpan(8), eir);
        return new NdefRecord(NdefTnf.MimeMedia, Encoding.ASCII.GetBytes(EpOobMimeType), Encoding.ASCII.GetBytes(id), b);
    }

    /// <summary>Decodes an ep.oob payload: the OOB length must be 8…payload length; EIR parsing stops at a zero length (padding).</summary>
    public static (ulong Address, IReadOnlyList<BluetoothEirField> Eir) DecodeEp(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 8) throw new NdefFormatException($"Bluetooth OOB data of {payload.Length} bytes, at least 8 needed", 0);
        int len = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        if (len < 8 || len > payload.Length) throw new NdefFormatException($"OOB Data Length {len} outside 8…{payload.Length}", 0);
        return (ReadAddress(payload[2..8]), ReadEir(payload[8..len], 8));
    }

    /// <summary>LE OOB record; <paramref name="fields"/> should hold 0x1B (use <see cref="LeAddress"/>) and 0x1C.</summary>
    public static NdefRecord CreateLe(IReadOnlyList<BluetoothEirField> fields, string id = "0")
    {
        ArgumentNullException.ThrowIfNull(fields);
        var b = new byte[EirLength(fields)];
        WriteEir(b, fields);
        return new NdefRecord(NdefTnf.MimeMedia, Encoding.ASCII.GetBytes(LeOobMimeType), Encoding.ASCII.GetBytes(id), b);
    }

    /// <summary>Decodes an le.oob payload into its AD structures.</summary>
    public static IReadOnlyList<BluetoothEirField> DecodeLe(ReadOnlySpan<byte> payload) => ReadEir(payload, 0);

    /// <summary>AD type 0x1B: 6 address bytes (little-endian) + 1 byte (0 public, 1 random).</summary>
    public static BluetoothEirField LeAddress(ulong address, bool random)
    {
        var b = new byte[7];
        WriteAddress(b, address);
        b[6] = random ? (byte)1 : (byte)0;
        return new BluetoothEirField(BluetoothEirField.LeBluetoothDeviceAddress, b);
    }

    /// <summary>The LE address (0x1B) among <paramref name="fields"/>, or null.</summary>
    public static (ulong Address, bool Random)? FindLeAddress(IReadOnlyList<BluetoothEirField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var f in fields)
            if (f.Type == BluetoothEirField.LeBluetoothDeviceAddress)
            {
                if (f.Data.Length != 7) throw new NdefFormatException($"LE Bluetooth Device Address of {f.Data.Length} bytes, not 7", 0);
                return (ReadAddress(f.Data.Span[..6]), (f.Data.Span[6] & 1) != 0);
            }
        return null;
    }

    /// <summary>Complete (else shortened) local name among <paramref name="fields"/>, or null.</summary>
    public static string? FindLocalName(IReadOnlyList<BluetoothEirField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string? shortened = null;
        foreach (var f in fields)
        {
            if (f.Type == BluetoothEirField.CompleteLocalName) return Encoding.UTF8.GetString(f.Data.Span);
            if (f.Type == BluetoothEirField.ShortenedLocalName) shortened = Encoding.UTF8.GetString(f.Data.Span);
        }
        return shortened;
    }

    private static int EirLength(IReadOnlyList<BluetoothEirField> eir)
    {
        int n = 0;
        foreach (var f in eir)
        {
            if (f.Data.Length > 254) throw new ArgumentException($"EIR field 0x{f.Type:X2} longer than 254 bytes", nameof(eir));
            n += 2 + f.Data.Length;
        }
        return n;
    }

    private static void WriteEir(Span<byte> b, IReadOnlyList<BluetoothEirField> eir)
    {
        int o = 0;
        foreach (var f in eir)
        {
            b[o++] = (byte)(f.Data.Length + 1);
            b[o++] = f.Type;
            f.Data.Span.CopyTo(b[o..]);
            o += f.Data.Length;
        }
    }

    private static List<BluetoothEirField> ReadEir(ReadOnlySpan<byte> b, int baseOffset)
    {
        var list = new List<BluetoothEirField>();
        int o = 0;
        while (o < b.Length)
        {
            int len = b[o];
            if (len == 0) break; // significant part ends; the rest is zero padding (Core Vol 3 Part C 8)
            if (len > b.Length - o - 1) throw new NdefFormatException($"EIR structure of {len} bytes, {b.Length - o - 1} left", baseOffset + o);
            list.Add(new BluetoothEirField(b[o + 1], b.Slice(o + 2, len - 1).ToArray()));
            o += 1 + len;
        }
        return list;
    }

    private static void WriteAddress(Span<byte> b, ulong address)
    {
        for (int i = 0; i < 6; i++) b[i] = (byte)(address >> (8 * i));
    }

    private static ulong ReadAddress(ReadOnlySpan<byte> b)
    {
        ulong a = 0;
        for (int i = 5; i >= 0; i--) a = (a << 8) | b[i];
        return a;
    }
}
