using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Llcp;

/// <summary>
/// LLCP PDU header (LLCP 1.1, section 4.1): DSAP (6 bits) | PTYPE (4 bits) | SSAP (6 bits), then for I, RR and RNR
/// one sequence byte N(S)|N(R). The information field is a slice of the input (no copy).
/// </summary>
public readonly ref struct LlcpPdu
{
    public byte Dsap { get; }
    public LlcpPtype Ptype { get; }
    public byte Ssap { get; }
    public byte? Sequence { get; }
    public ReadOnlySpan<byte> Information { get; }

    public LlcpPdu(byte dsap, LlcpPtype ptype, byte ssap, byte? sequence, ReadOnlySpan<byte> information)
    {
        Dsap = dsap; Ptype = ptype; Ssap = ssap; Sequence = sequence; Information = information;
    }

    private static bool HasSequence(LlcpPtype p) => p is LlcpPtype.I or LlcpPtype.Rr or LlcpPtype.Rnr;

    public static LlcpPdu Parse(ReadOnlySpan<byte> pdu)
    {
        if (pdu.Length < 2) throw new LlcpProtocolException($"LLCP PDU of {pdu.Length} bytes is shorter than the 2-byte header");
        byte dsap = (byte)(pdu[0] >> 2);
        var ptype = (LlcpPtype)(((pdu[0] & 0x03) << 2) | (pdu[1] >> 6));
        byte ssap = (byte)(pdu[1] & 0x3F);
        if (!Enum.IsDefined(ptype)) throw new LlcpProtocolException($"reserved LLCP PTYPE {(byte)ptype}");
        if (HasSequence(ptype))
        {
            if (pdu.Length < 3) throw new LlcpProtocolException($"{ptype} PDU lacks its sequence byte");
            if (ptype != LlcpPtype.I && pdu.Length != 3) throw new LlcpProtocolException($"{ptype} PDU carries an information field");
            return new LlcpPdu(dsap, ptype, ssap, pdu[2], pdu[3..]);
        }
        if (ptype == LlcpPtype.Symm && pdu.Length != 2) throw new LlcpProtocolException("SYMM PDU carries an information field");
        return new LlcpPdu(dsap, ptype, ssap, null, pdu[2..]);
    }

    public int EncodedLength => 2 + (Sequence.HasValue ? 1 : 0) + Information.Length;

    public int Write(Span<byte> destination)
    {
        if (Dsap > 63 || Ssap > 63) throw new ArgumentOutOfRangeException(nameof(destination), "SAPs are 6-bit values");
        if (HasSequence(Ptype) != Sequence.HasValue) throw new InvalidOperationException($"{Ptype} sequence byte mismatch");
        destination[0] = (byte)((Dsap << 2) | ((byte)Ptype >> 2));
        destination[1] = (byte)((((byte)Ptype & 0x3) << 6) | Ssap);
        int n = 2;
        if (Sequence is byte s) destination[n++] = s;
        Information.CopyTo(destination[n..]);
        return n + Information.Length;
    }
}
