using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Ieee802154;

/// <summary>
/// A parsed view over one IEEE 802.15.4 frame: its <see cref="Header"/> and a <see cref="Payload"/> slice of the
/// original buffer (no copy). For secured frames the payload is still encrypted and ends with the MIC, which
/// <see cref="Mic"/> exposes.
/// </summary>
public readonly ref struct MacFrame
{
    private MacFrame(MacHeader header, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> mic)
    {
        Header = header;
        Payload = payload;
        Mic = mic;
    }

    public MacHeader Header { get; }
    public ReadOnlySpan<byte> Payload { get; }
    public ReadOnlySpan<byte> Mic { get; }

    /// <summary>First payload byte of a MAC command frame (§7.3).</summary>
    public MacCommandId CommandId => Header.FrameType == MacFrameType.MacCommand && !Payload.IsEmpty
        ? (MacCommandId)Payload[0]
        : throw new InvalidOperationException("Not a MAC command frame.");

    /// <summary>Parses a frame. <paramref name="hasFcs"/>: the last two bytes are an FCS to verify and strip
    /// (AF_PACKET on a wpan interface delivers frames without it).</summary>
    public static MacFrame Parse(ReadOnlySpan<byte> frame, bool hasFcs = false)
    {
        if (hasFcs)
        {
            if (frame.Length < 2 + Fcs.Length) ThrowHelper.Format(DropReason.Truncated, "Frame too short for an FCS.");
            if (!Fcs.Check(frame)) ThrowHelper.Format(DropReason.BadFcs, "FCS mismatch.");
            frame = frame[..^Fcs.Length];
        }
        var header = MacHeader.Read(frame, out int headerLength);
        var rest = frame[headerLength..];
        int micLength = header.Security?.MicLength ?? 0;
        if (rest.Length < micLength) ThrowHelper.Format(DropReason.Truncated, "Frame shorter than its MIC.");
        return new MacFrame(header, rest[..^micLength], rest[^micLength..]);
    }

    public static bool TryParse(ReadOnlySpan<byte> frame, out MacFrame parsed, out DropReason reason, bool hasFcs = false)
    {
        try
        {
            parsed = Parse(frame, hasFcs);
            reason = default;
            return true;
        }
        catch (LowPanFormatException e)
        {
            parsed = default;
            reason = e.Reason;
            return false;
        }
    }

    /// <summary>Writes header + payload (+ FCS when <paramref name="appendFcs"/>); returns the frame length.</summary>
    public static int Write(in MacHeader header, ReadOnlySpan<byte> payload, Span<byte> destination, bool appendFcs = false)
    {
        int pos = header.Write(destination);
        if (destination.Length < pos + payload.Length + (appendFcs ? Fcs.Length : 0)) ThrowHelper.TooSmall("MAC frame");
        payload.CopyTo(destination[pos..]);
        pos += payload.Length;
        return appendFcs ? Fcs.Append(destination, pos) : pos;
    }

    /// <summary>An immediate acknowledgment (§7.3.3): frame control + sequence number only.</summary>
    public static int WriteAck(byte sequenceNumber, bool framePending, Span<byte> destination, bool appendFcs = false) =>
        Write(new MacHeader { FrameType = MacFrameType.Ack, SequenceNumber = sequenceNumber, FramePending = framePending },
            default, destination, appendFcs);
}
