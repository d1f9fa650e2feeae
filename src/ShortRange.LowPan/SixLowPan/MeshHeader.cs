using System.Buffers.Binary;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.SixLowPan;

/// <summary>
/// Mesh addressing header, RFC 4944 §5.2: 10 V F HopsLeft(4) [deep hops left] originator final.
/// V/F = 1 for short (16-bit) addresses, 0 for extended (64-bit). Addresses are written in network
/// byte order (EUI-64 print order). The Linux kernel parses but does not forward mesh frames.
/// </summary>
public readonly record struct MeshHeader(int HopsLeft, MacAddress Originator, MacAddress Final)
{
    /// <summary>HopsLeft 0xF means the real value follows in an extra byte (RFC 4944 §5.2 "Deep Hops Left", RFC 8025 errata).</summary>
    public int Length => 1 + (HopsLeft >= 15 ? 1 : 0) + Originator.Length + Final.Length;

    public static MeshHeader Read(ReadOnlySpan<byte> data, out int length)
    {
        if (data.IsEmpty || (data[0] & Dispatch.MeshMask) != Dispatch.Mesh) ThrowHelper.Format(DropReason.UnknownDispatch, "Not a mesh header.");
        bool vShort = (data[0] & 0x20) != 0, fShort = (data[0] & 0x10) != 0;
        int hops = data[0] & 0x0F;
        int pos = 1;
        if (hops == 0x0F)
        {
            if (data.Length < 2) ThrowHelper.Format(DropReason.Truncated, "Mesh header truncated.");
            hops = data[pos++];
        }
        int need = pos + (vShort ? 2 : 8) + (fShort ? 2 : 8);
        if (data.Length < need) ThrowHelper.Format(DropReason.Truncated, "Mesh header truncated.");
        var orig = ReadAddress(data[pos..], vShort);
        pos += vShort ? 2 : 8;
        var final = ReadAddress(data[pos..], fShort);
        length = need;
        return new MeshHeader(hops, orig, final);
    }

    public int Write(Span<byte> destination)
    {
        if (Originator.Mode is not (AddressingMode.Short or AddressingMode.Extended) || Final.Mode is not (AddressingMode.Short or AddressingMode.Extended))
            throw new ArgumentException("Mesh header needs short or extended addresses.");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HopsLeft, 255);
        ArgumentOutOfRangeException.ThrowIfNegative(HopsLeft);
        if (destination.Length < Length) ThrowHelper.TooSmall("mesh header");
        bool deep = HopsLeft >= 15;
        destination[0] = (byte)(Dispatch.Mesh | (Originator.Mode == AddressingMode.Short ? 0x20 : 0)
            | (Final.Mode == AddressingMode.Short ? 0x10 : 0) | (deep ? 0x0F : HopsLeft));
        int pos = 1;
        if (deep) destination[pos++] = (byte)HopsLeft;
        pos += WriteAddress(Originator, destination[pos..]);
        pos += WriteAddress(Final, destination[pos..]);
        return pos;
    }

    private static MacAddress ReadAddress(ReadOnlySpan<byte> d, bool isShort) => isShort
        ? MacAddress.FromShort(BinaryPrimitives.ReadUInt16BigEndian(d))
        : MacAddress.FromExtended(BinaryPrimitives.ReadUInt64BigEndian(d));

    private static int WriteAddress(MacAddress a, Span<byte> d)
    {
        if (a.Mode == AddressingMode.Short) { BinaryPrimitives.WriteUInt16BigEndian(d, a.Short); return 2; }
        BinaryPrimitives.WriteUInt64BigEndian(d, a.Extended);
        return 8;
    }
}
