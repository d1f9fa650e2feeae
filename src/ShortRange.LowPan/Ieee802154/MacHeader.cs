using System.Buffers.Binary;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Ieee802154;

/// <summary>
/// The MAC header (MHR) of an IEEE 802.15.4 frame, §7.2.1: Frame Control, Sequence Number, addressing
/// fields and the optional Auxiliary Security Header. Header IEs (2015 frames) are left in the payload.
/// </summary>
public readonly record struct MacHeader
{
    public MacFrameType FrameType { get; init; }
    public MacFrameVersion Version { get; init; }
    public bool FramePending { get; init; }
    public bool AckRequest { get; init; }
    /// <summary>PAN ID Compression bit as sent (§7.2.2.6); meaning depends on <see cref="Version"/>.</summary>
    public bool PanIdCompression { get; init; }
    /// <summary>Sequence Number Suppression (2015 frames only).</summary>
    public bool SequenceNumberSuppressed { get; init; }
    /// <summary>IE Present bit (2015 frames only); IEs are not parsed and stay at the start of the payload.</summary>
    public bool IePresent { get; init; }
    public byte SequenceNumber { get; init; }
    /// <summary>Destination PAN identifier when present on the air, otherwise null.</summary>
    public ushort? DestinationPanId { get; init; }
    public MacAddress Destination { get; init; }
    /// <summary>Source PAN identifier as sent (null when elided by PAN ID compression or absent).</summary>
    public ushort? SourcePanId { get; init; }
    public MacAddress Source { get; init; }
    public AuxiliarySecurityHeader? Security { get; init; }

    /// <summary>The source's PAN: the source PAN field, or the destination PAN when compressed.</summary>
    public ushort? EffectiveSourcePanId => SourcePanId ?? (PanIdCompression ? DestinationPanId : null);

    /// <summary>Bytes this header takes on the air.</summary>
    public int Length
    {
        get
        {
            var (dstPan, srcPan) = PanIdPresence(Version, Destination.Mode, Source.Mode, PanIdCompression);
            return 2 + (SequenceNumberSuppressed ? 0 : 1) + (dstPan ? 2 : 0) + Destination.Length + (srcPan ? 2 : 0)
                + Source.Length + (Security?.Length ?? 0);
        }
    }

    /// <summary>
    /// Which PAN identifier fields are present. 2003/2006 frames: §7.2.1.5 of 802.15.4-2006 (compression valid only
    /// with both addresses). 2015 frames: Table 7-2 of 802.15.4-2015.
    /// </summary>
    public static (bool Destination, bool Source) PanIdPresence(MacFrameVersion version, AddressingMode dst, AddressingMode src, bool compression)
    {
        bool hasDst = dst != AddressingMode.None, hasSrc = src != AddressingMode.None;
        if (version != MacFrameVersion.Ieee2015)
            return (hasDst, hasSrc && !(compression && hasDst));
        if (!hasDst && !hasSrc) return (compression, false);
        if (hasDst && !hasSrc) return (!compression, false);
        if (!hasDst && hasSrc) return (false, !compression);
        if (dst == AddressingMode.Extended && src == AddressingMode.Extended) return (!compression, false);
        return (true, !compression);
    }

    /// <summary>Parses the header at the start of <paramref name="frame"/> (no FCS expected); returns its length.</summary>
    public static MacHeader Read(ReadOnlySpan<byte> frame, out int length)
    {
        if (frame.Length < 2) ThrowHelper.Format(DropReason.Truncated, "Frame shorter than its frame control field.");
        ushort fc = BinaryPrimitives.ReadUInt16LittleEndian(frame);
        var type = (MacFrameType)(fc & 0x7);
        bool security = (fc & 0x0008) != 0;
        var dstMode = (AddressingMode)((fc >> 10) & 0x3);
        var version = (MacFrameVersion)((fc >> 12) & 0x3);
        var srcMode = (AddressingMode)((fc >> 14) & 0x3);
        bool compression = (fc & 0x0040) != 0;
        bool seqSuppressed = version == MacFrameVersion.Ieee2015 && (fc & 0x0100) != 0;
        bool iePresent = version == MacFrameVersion.Ieee2015 && (fc & 0x0200) != 0;

        if (type == MacFrameType.Reserved || dstMode == AddressingMode.Reserved || srcMode == AddressingMode.Reserved || version == MacFrameVersion.Reserved)
            ThrowHelper.Format(DropReason.Reserved, $"Reserved value in frame control 0x{fc:x4}.");
        if (version != MacFrameVersion.Ieee2015 && compression && (dstMode == AddressingMode.None || srcMode == AddressingMode.None))
            ThrowHelper.Format(DropReason.Reserved, "PAN ID compression without both addresses.");

        var (dstPan, srcPan) = PanIdPresence(version, dstMode, srcMode, compression);
        int pos = 2;
        byte seq = 0;
        if (!seqSuppressed)
        {
            if (frame.Length < 3) ThrowHelper.Format(DropReason.Truncated, "Frame ends before its sequence number.");
            seq = frame[pos++];
        }
        int need = pos + (dstPan ? 2 : 0) + AddressLength(dstMode) + (srcPan ? 2 : 0) + AddressLength(srcMode);
        if (frame.Length < need) ThrowHelper.Format(DropReason.Truncated, "Frame ends inside its addressing fields.");

        ushort? dstPanId = null, srcPanId = null;
        if (dstPan) { dstPanId = BinaryPrimitives.ReadUInt16LittleEndian(frame[pos..]); pos += 2; }
        var dst = MacAddress.ReadAir(dstMode, frame[pos..]);
        pos += AddressLength(dstMode);
        if (srcPan) { srcPanId = BinaryPrimitives.ReadUInt16LittleEndian(frame[pos..]); pos += 2; }
        var src = MacAddress.ReadAir(srcMode, frame[pos..]);
        pos += AddressLength(srcMode);

        AuxiliarySecurityHeader? aux = null;
        if (security)
        {
            if (version == MacFrameVersion.Ieee2003)
                ThrowHelper.Format(DropReason.Reserved, "802.15.4-2003 security is not supported.");
            aux = AuxiliarySecurityHeader.Read(frame[pos..], out int auxLength);
            pos += auxLength;
        }

        length = pos;
        return new MacHeader
        {
            FrameType = type,
            Version = version,
            FramePending = (fc & 0x0010) != 0,
            AckRequest = (fc & 0x0020) != 0,
            PanIdCompression = compression,
            SequenceNumberSuppressed = seqSuppressed,
            IePresent = iePresent,
            SequenceNumber = seq,
            DestinationPanId = dstPanId,
            Destination = dst,
            SourcePanId = srcPanId,
            Source = src,
            Security = aux,
        };
    }

    /// <summary>Writes this header; PAN ID fields are written when the presence rules require them (missing values → 0xFFFF).</summary>
    public int Write(Span<byte> destination)
    {
        int length = Length;
        if (destination.Length < length) ThrowHelper.TooSmall("MAC header");
        if (Version == MacFrameVersion.Reserved || FrameType == MacFrameType.Reserved)
            throw new ArgumentException("Reserved frame version or type.");
        if (Destination.Mode == AddressingMode.Reserved || Source.Mode == AddressingMode.Reserved)
            throw new ArgumentException("Reserved addressing mode.");
        if (Version != MacFrameVersion.Ieee2015 && PanIdCompression && (Destination.Mode == AddressingMode.None || Source.Mode == AddressingMode.None))
            throw new ArgumentException("PAN ID compression needs both addresses before 802.15.4-2015.");
        if (Security is not null && Version == MacFrameVersion.Ieee2003)
            throw new ArgumentException("Security needs frame version 2006 or later.");
        bool is2015 = Version == MacFrameVersion.Ieee2015;
        int fc = (int)FrameType
            | (Security is not null ? 0x0008 : 0)
            | (FramePending ? 0x0010 : 0)
            | (AckRequest ? 0x0020 : 0)
            | (PanIdCompression ? 0x0040 : 0)
            | (is2015 && SequenceNumberSuppressed ? 0x0100 : 0)
            | (is2015 && IePresent ? 0x0200 : 0)
            | ((int)Destination.Mode << 10)
            | ((int)Version << 12)
            | ((int)Source.Mode << 14);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)fc);
        int pos = 2;
        if (!(is2015 && SequenceNumberSuppressed)) destination[pos++] = SequenceNumber;
        var (dstPan, srcPan) = PanIdPresence(Version, Destination.Mode, Source.Mode, PanIdCompression);
        if (dstPan) { BinaryPrimitives.WriteUInt16LittleEndian(destination[pos..], DestinationPanId ?? 0xFFFF); pos += 2; }
        Destination.WriteAir(destination[pos..]);
        pos += Destination.Length;
        if (srcPan) { BinaryPrimitives.WriteUInt16LittleEndian(destination[pos..], SourcePanId ?? DestinationPanId ?? 0xFFFF); pos += 2; }
        Source.WriteAir(destination[pos..]);
        pos += Source.Length;
        if (Security is { } aux) pos += aux.Write(destination[pos..]);
        return pos;
    }

    private static int AddressLength(AddressingMode mode) => mode switch { AddressingMode.Short => 2, AddressingMode.Extended => 8, _ => 0 };
}
