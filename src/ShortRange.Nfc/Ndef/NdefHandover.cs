using System.Buffers.Binary;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Ndef;

/// <summary>Carrier Power State of an Alternative Carrier record (NFC Forum Connection Handover 1.3, section 3.1.4.1).</summary>
public enum NdefCarrierPowerState : byte
{
    Inactive = 0x00,
    Active = 0x01,
    Activating = 0x02,
    Unknown = 0x03,
}

/// <summary>Handover Request ("Hr") or Handover Select ("Hs").</summary>
public enum NdefHandoverKind
{
    Request,
    Select,
}

/// <summary>
/// Alternative Carrier record "ac" (Connection Handover 1.3, section 3.1.4): CPS (2 low bits of byte 0), the Carrier Data
/// Reference (the ID of the carrier configuration record), and Auxiliary Data References (IDs of further records).
/// </summary>
public sealed record NdefAlternativeCarrier(NdefCarrierPowerState PowerState, ReadOnlyMemory<byte> DataReference)
{
    public IReadOnlyList<ReadOnlyMemory<byte>> AuxiliaryDataReferences { get; init; } = [];

    /// <summary>Carrier data reference as ASCII (references are record IDs, usually short ASCII strings like "0").</summary>
    public string DataReferenceText => System.Text.Encoding.ASCII.GetString(DataReference.Span);
}

/// <summary>Error record "err" of a Handover Select (Connection Handover 1.3, section 3.1.5): reason byte and data.</summary>
public sealed record NdefHandoverError(byte Reason, ReadOnlyMemory<byte> Data)
{
    /// <summary>0x01: temporary memory constraints (data: 1 byte, time to wait in ms).</summary>
    public const byte TemporaryMemoryConstraints = 0x01;
    /// <summary>0x02: permanent memory constraints (data: 4 bytes, maximum message size).</summary>
    public const byte PermanentMemoryConstraints = 0x02;
    /// <summary>0x03: carrier-specific constraints (data: 1 byte, time to wait in ms).</summary>
    public const byte CarrierSpecificConstraints = 0x03;
}

/// <summary>
/// Handover Request "Hr" / Handover Select "Hs" records (NFC Forum Connection Handover 1.3, section 3): payload is the
/// version byte (major in the high nibble, minor in the low nibble) followed by a nested NDEF message — for Hr a Collision
/// Resolution record "cr" (2-byte random number, big-endian) and one or more "ac" records; for Hs zero or more "ac"
/// records and an optional "err" record. A Hs with no alternative carrier has a payload of the version byte alone.
/// The carrier configuration records themselves follow the Hr/Hs record in the outer message, found by their ID
/// (<see cref="FindCarrierRecord"/>).
/// </summary>
public sealed record NdefHandover(NdefHandoverKind Kind, IReadOnlyList<NdefAlternativeCarrier> Carriers)
{
    public static readonly byte[] RequestType = "Hr"u8.ToArray(), SelectType = "Hs"u8.ToArray();
    internal static readonly byte[] AlternativeCarrierType = "ac"u8.ToArray(), CollisionType = "cr"u8.ToArray(), ErrorType = "err"u8.ToArray();

    /// <summary>Version 1.3 (0x13), the current Connection Handover specification.</summary>
    public const byte Version13 = 0x13;

    /// <summary>Version byte: major.minor in nibbles.</summary>
    public byte Version { get; init; } = Version13;
    /// <summary>Random number of the Collision Resolution record (Hr only; required there since 1.2).</summary>
    public ushort? CollisionResolution { get; init; }
    /// <summary>Error record (Hs only).</summary>
    public NdefHandoverError? Error { get; init; }

    public int MajorVersion => Version >> 4;
    public int MinorVersion => Version & 0x0F;

    /// <summary>Encodes the Hr/Hs record.</summary>
    public NdefRecord ToRecord()
    {
        var inner = new List<NdefRecord>();
        if (Kind == NdefHandoverKind.Request)
        {
            if (CollisionResolution is not { } cr) throw new InvalidOperationException("a Handover Request needs a collision resolution random number");
            var b = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(b, cr);
            inner.Add(Local(CollisionType, b));
            if (Carriers.Count == 0) throw new InvalidOperationException("a Handover Request needs at least one alternative carrier");
        }
        foreach (var ac in Carriers) inner.Add(Local(AlternativeCarrierType, EncodeAlternativeCarrier(ac)));
        if (Error is { } e && Kind == NdefHandoverKind.Select) inner.Add(Local(ErrorType, [e.Reason, .. e.Data.Span]));
        byte[] payload = inner.Count == 0 ? [Version] : [Version, .. NdefMessage.Encode(inner)];
        return new NdefRecord(NdefTnf.WellKnown, Kind == NdefHandoverKind.Request ? RequestType : SelectType, ReadOnlyMemory<byte>.Empty, payload);
    }

    /// <summary>Decodes an "Hr" or "Hs" record; anything else, a malformed "ac"/"cr", or a Hr without "cr" is rejected.</summary>
    public static NdefHandover Decode(NdefRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        NdefHandoverKind kind = record.Tnf == NdefTnf.WellKnown && record.Type.Span.SequenceEqual(RequestType) ? NdefHandoverKind.Request
            : record.Tnf == NdefTnf.WellKnown && record.Type.Span.SequenceEqual(SelectType) ? NdefHandoverKind.Select
            : throw new NdefFormatException($"not a handover record: {record.Tnf} '{record.TypeText}'", 0);
        var p = record.Payload.Span;
        if (p.IsEmpty) throw new NdefFormatException("handover record without version byte", 0);
        var carriers = new List<NdefAlternativeCarrier>();
        ushort? cr = null;
        NdefHandoverError? err = null;
        if (p.Length > 1)
        {
            foreach (var r in NdefMessage.Parse(p[1..]))
            {
                var rp = r.Payload.Span;
                if (r.Tnf != NdefTnf.WellKnown) continue; // section 3.1: unknown records are ignored
                if (r.Type.Span.SequenceEqual(AlternativeCarrierType)) carriers.Add(DecodeAlternativeCarrier(rp));
                else if (r.Type.Span.SequenceEqual(CollisionType))
                {
                    if (rp.Length != 2) throw new NdefFormatException($"collision resolution record of {rp.Length} bytes, not 2", 0);
                    cr = BinaryPrimitives.ReadUInt16BigEndian(rp);
                }
                else if (r.Type.Span.SequenceEqual(ErrorType))
                {
                    if (rp.IsEmpty) throw new NdefFormatException("error record without reason", 0);
                    err = new NdefHandoverError(rp[0], rp[1..].ToArray());
                }
            }
        }
        // Hr without cr is version 1.0/1.1 style; from 1.2 on it is mandatory.
        if (kind == NdefHandoverKind.Request && cr is null && p[0] >= 0x12)
            throw new NdefFormatException("Handover Request 1.2+ without a collision resolution record", 0);
        return new NdefHandover(kind, carriers) { Version = p[0], CollisionResolution = cr, Error = err };
    }

    /// <summary>
    /// Builds the whole handover message: this Hr/Hs record first, then the carrier configuration records (whose IDs the
    /// alternative carriers reference).
    /// </summary>
    public IReadOnlyList<NdefRecord> ToMessage(params NdefRecord[] carrierRecords)
    {
        var list = new List<NdefRecord>(carrierRecords.Length + 1) { ToRecord() };
        list.AddRange(carrierRecords);
        return list;
    }

    /// <summary>The record of <paramref name="message"/> whose ID equals <paramref name="reference"/> (a Carrier Data Reference), or null.</summary>
    public static NdefRecord? FindCarrierRecord(IReadOnlyList<NdefRecord> message, ReadOnlySpan<byte> reference)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var r in message)
            if (!r.Id.IsEmpty && r.Id.Span.SequenceEqual(reference)) return r;
        return null;
    }

    /// <summary>
    /// Handover Request collision (both peers sent Hr): compares the two collision-resolution random numbers.
    /// Returns null when they are equal (both send a new Hr with a new number), true when the local device keeps the
    /// Handover Requester role. Rule applied: if bit 0 of both numbers is equal, the greater number is the Requester,
    /// otherwise the smaller one is (so neither a high nor a low number is always favoured).
    /// </summary>
    public static bool? LocalIsRequester(ushort local, ushort remote)
    {
        if (local == remote) return null;
        bool sameBit0 = ((local ^ remote) & 1) == 0;
        return sameBit0 ? local > remote : local < remote;
    }

    private static byte[] EncodeAlternativeCarrier(NdefAlternativeCarrier ac)
    {
        if (ac.DataReference.Length > 255) throw new ArgumentException("carrier data reference longer than 255 bytes");
        if (ac.AuxiliaryDataReferences.Count > 255) throw new ArgumentException("more than 255 auxiliary data references");
        int n = 1 + 1 + ac.DataReference.Length + 1;
        foreach (var a in ac.AuxiliaryDataReferences)
        {
            if (a.Length > 255) throw new ArgumentException("auxiliary data reference longer than 255 bytes");
            n += 1 + a.Length;
        }
        var b = new byte[n];
        int o = 0;
        b[o++] = (byte)((byte)ac.PowerState & 0x03);
        b[o++] = (byte)ac.DataReference.Length;
        ac.DataReference.Span.CopyTo(b.AsSpan(o)); o += ac.DataReference.Length;
        b[o++] = (byte)ac.AuxiliaryDataReferences.Count;
        foreach (var a in ac.AuxiliaryDataReferences)
        {
            b[o++] = (byte)a.Length;
            a.Span.CopyTo(b.AsSpan(o)); o += a.Length;
        }
        return b;
    }

    private static NdefAlternativeCarrier DecodeAlternativeCarrier(ReadOnlySpan<byte> p)
    {
        int o = 0;
        byte cps = Byte(p, ref o);
        var cdr = Bytes(p, ref o, Byte(p, ref o));
        int auxCount = Byte(p, ref o);
        // Each reference needs at least its length byte: bound the list by the bytes present before allocating it.
        if (auxCount > p.Length - o) throw new NdefFormatException($"{auxCount} auxiliary references in {p.Length - o} bytes", o);
        var aux = new List<ReadOnlyMemory<byte>>(auxCount);
        for (int i = 0; i < auxCount; i++) aux.Add(Bytes(p, ref o, Byte(p, ref o)));
        return new NdefAlternativeCarrier((NdefCarrierPowerState)(cps & 0x03), cdr) { AuxiliaryDataReferences = aux };
    }

    private static byte Byte(ReadOnlySpan<byte> p, ref int o) =>
        o < p.Length ? p[o++] : throw new NdefFormatException("alternative carrier record truncated", o);

    private static byte[] Bytes(ReadOnlySpan<byte> p, ref int o, int n)
    {
        if (n > p.Length - o) throw new NdefFormatException($"alternative carrier reference of {n} bytes, {p.Length - o} left", o);
        var b = p.Slice(o, n).ToArray();
        o += n;
        return b;
    }

    private static NdefRecord Local(byte[] type, byte[] payload) => new(NdefTnf.WellKnown, type, ReadOnlyMemory<byte>.Empty, payload);
}
