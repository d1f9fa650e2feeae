using System.Buffers.Binary;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.SixLowPan.Nd;

/// <summary>RFC 6775 option and message type numbers (IANA "IPv6 Neighbor Discovery Option Formats", "ICMPv6 types").</summary>
public static class NdConstants
{
    public const byte OptionAro = 33;
    public const byte Option6Co = 34;
    public const byte OptionAbro = 35;
    public const byte IcmpDar = 157;
    public const byte IcmpDac = 158;
}

/// <summary>Address Registration Option, RFC 6775 §4.1 (Type 33, Length 2).</summary>
public readonly record struct AddressRegistrationOption(byte Status, ushort RegistrationLifetimeMinutes, ulong Eui64)
{
    public const int Length = 16;

    public int Write(Span<byte> d)
    {
        if (d.Length < Length) ThrowHelper.TooSmall("ARO");
        d[..Length].Clear();
        d[0] = NdConstants.OptionAro;
        d[1] = 2;
        d[2] = Status;
        BinaryPrimitives.WriteUInt16BigEndian(d[6..], RegistrationLifetimeMinutes);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], Eui64);
        return Length;
    }

    public static AddressRegistrationOption Read(ReadOnlySpan<byte> d)
    {
        if (d.Length < Length || d[0] != NdConstants.OptionAro || d[1] != 2) ThrowHelper.Format(DropReason.Truncated, "Malformed ARO.");
        return new(d[2], BinaryPrimitives.ReadUInt16BigEndian(d[6..]), BinaryPrimitives.ReadUInt64BigEndian(d[8..]));
    }
}

/// <summary>6LoWPAN Context Option, RFC 6775 §4.2 (Type 34, Length 2 or 3).</summary>
public sealed record SixLowPanContextOption(int ContextLength, bool Compression, int ContextId, ushort ValidLifetimeMinutes, byte[] Prefix)
{
    public int Length => ContextLength > 64 ? 24 : 16;

    public int Write(Span<byte> d)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ContextLength, 128);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ContextId, 15);
        int len = Length;
        if (d.Length < len) ThrowHelper.TooSmall("6CO");
        d[..len].Clear();
        d[0] = NdConstants.Option6Co;
        d[1] = (byte)(len / 8);
        d[2] = (byte)ContextLength;
        d[3] = (byte)((Compression ? 0x10 : 0) | ContextId);
        BinaryPrimitives.WriteUInt16BigEndian(d[6..], ValidLifetimeMinutes);
        Prefix.AsSpan(0, Math.Min(Prefix.Length, len - 8)).CopyTo(d[8..]);
        return len;
    }

    public static SixLowPanContextOption Read(ReadOnlySpan<byte> d)
    {
        if (d.Length < 16 || d[0] != NdConstants.Option6Co || d[1] is not (2 or 3) || d.Length < d[1] * 8 || d[2] > 128 || (d[2] > 64 && d[1] != 3))
            ThrowHelper.Format(DropReason.Truncated, "Malformed 6CO.");
        var prefix = new byte[16];
        d.Slice(8, d[1] * 8 - 8).CopyTo(prefix);
        return new(d[2], (d[3] & 0x10) != 0, d[3] & 0x0F, BinaryPrimitives.ReadUInt16BigEndian(d[6..]), prefix);
    }
}

/// <summary>Authoritative Border Router Option, RFC 6775 §4.3 (Type 35, Length 3).</summary>
public sealed record AuthoritativeBorderRouterOption(uint Version, ushort ValidLifetimeMinutes, byte[] BorderRouterAddress)
{
    public const int Length = 24;

    public int Write(Span<byte> d)
    {
        if (d.Length < Length) ThrowHelper.TooSmall("ABRO");
        d[0] = NdConstants.OptionAbro;
        d[1] = 3;
        // Version Low then Version High (RFC 6775 §4.3).
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)Version);
        BinaryPrimitives.WriteUInt16BigEndian(d[4..], (ushort)(Version >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(d[6..], ValidLifetimeMinutes);
        BorderRouterAddress.AsSpan(0, 16).CopyTo(d[8..]);
        return Length;
    }

    public static AuthoritativeBorderRouterOption Read(ReadOnlySpan<byte> d)
    {
        if (d.Length < Length || d[0] != NdConstants.OptionAbro || d[1] != 3) ThrowHelper.Format(DropReason.Truncated, "Malformed ABRO.");
        uint version = BinaryPrimitives.ReadUInt16BigEndian(d[2..]) | ((uint)BinaryPrimitives.ReadUInt16BigEndian(d[4..]) << 16);
        return new(version, BinaryPrimitives.ReadUInt16BigEndian(d[6..]), d.Slice(8, 16).ToArray());
    }
}

/// <summary>Duplicate Address Request (157) / Confirmation (158) message body, RFC 6775 §4.4 (32 bytes incl. ICMPv6 header).</summary>
public sealed record DuplicateAddressMessage(bool IsConfirmation, byte Status, ushort RegistrationLifetimeMinutes, ulong Eui64, byte[] RegisteredAddress)
{
    public const int Length = 32;

    /// <summary>Writes the ICMPv6 message; the checksum is computed over the IPv6 pseudo-header of <paramref name="source"/>/<paramref name="destination"/>.</summary>
    public int Write(Span<byte> d, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        if (d.Length < Length) ThrowHelper.TooSmall("DAR/DAC");
        d[..Length].Clear();
        d[0] = IsConfirmation ? NdConstants.IcmpDac : NdConstants.IcmpDar;
        d[4] = Status;
        BinaryPrimitives.WriteUInt16BigEndian(d[6..], RegistrationLifetimeMinutes);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], Eui64);
        RegisteredAddress.AsSpan(0, 16).CopyTo(d[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], Ipv6.UpperLayerChecksum(source, destination, Ipv6.NextHeaderIcmpv6, d[..Length]));
        return Length;
    }

    public static DuplicateAddressMessage Read(ReadOnlySpan<byte> d)
    {
        if (d.Length < Length || d[0] is not (NdConstants.IcmpDar or NdConstants.IcmpDac) || d[1] != 0)
            ThrowHelper.Format(DropReason.Truncated, "Malformed DAR/DAC.");
        return new(d[0] == NdConstants.IcmpDac, d[4], BinaryPrimitives.ReadUInt16BigEndian(d[6..]),
            BinaryPrimitives.ReadUInt64BigEndian(d[8..]), d.Slice(16, 16).ToArray());
    }
}
