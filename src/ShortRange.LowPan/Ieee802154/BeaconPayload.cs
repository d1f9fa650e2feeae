using System.Buffers.Binary;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Ieee802154;

/// <summary>
/// Beacon frame payload, IEEE 802.15.4-2006 §7.2.2.1: Superframe Specification, GTS fields, pending addresses
/// and the beacon payload (left as a slice).
/// </summary>
public readonly ref struct BeaconPayload
{
    public byte BeaconOrder { get; private init; }
    public byte SuperframeOrder { get; private init; }
    public byte FinalCapSlot { get; private init; }
    public bool BatteryLifeExtension { get; private init; }
    public bool PanCoordinator { get; private init; }
    public bool AssociationPermit { get; private init; }
    public int GtsCount { get; private init; }
    public bool GtsPermit { get; private init; }
    public int PendingShortCount { get; private init; }
    public int PendingExtendedCount { get; private init; }
    public ReadOnlySpan<byte> PendingAddresses { get; private init; }
    public ReadOnlySpan<byte> BeaconData { get; private init; }

    public static BeaconPayload Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4) ThrowHelper.Format(DropReason.Truncated, "Beacon payload too short.");
        ushort sf = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        byte gts = payload[2];
        int gtsCount = gts & 0x07;
        int pos = 3 + (gtsCount > 0 ? 1 + 3 * gtsCount : 0);
        if (payload.Length < pos + 1) ThrowHelper.Format(DropReason.Truncated, "Beacon GTS fields truncated.");
        byte pending = payload[pos++];
        int shortCount = pending & 0x07, extCount = (pending >> 4) & 0x07;
        int addrLength = shortCount * 2 + extCount * 8;
        if (payload.Length < pos + addrLength) ThrowHelper.Format(DropReason.Truncated, "Beacon pending addresses truncated.");
        return new BeaconPayload
        {
            BeaconOrder = (byte)(sf & 0xF),
            SuperframeOrder = (byte)((sf >> 4) & 0xF),
            FinalCapSlot = (byte)((sf >> 8) & 0xF),
            BatteryLifeExtension = (sf & 0x1000) != 0,
            PanCoordinator = (sf & 0x4000) != 0,
            AssociationPermit = (sf & 0x8000) != 0,
            GtsCount = gtsCount,
            GtsPermit = (gts & 0x80) != 0,
            PendingShortCount = shortCount,
            PendingExtendedCount = extCount,
            PendingAddresses = payload.Slice(pos, addrLength),
            BeaconData = payload[(pos + addrLength)..],
        };
    }

    /// <summary>Writes a beacon payload without GTS or pending addresses (what a non-beacon-enabled PAN sends).</summary>
    public static int Write(Span<byte> destination, bool panCoordinator, bool associationPermit, ReadOnlySpan<byte> beaconData,
        byte beaconOrder = 15, byte superframeOrder = 15, byte finalCapSlot = 15)
    {
        if (destination.Length < 4 + beaconData.Length) ThrowHelper.TooSmall("beacon payload");
        int sf = (beaconOrder & 0xF) | ((superframeOrder & 0xF) << 4) | ((finalCapSlot & 0xF) << 8)
            | (panCoordinator ? 0x4000 : 0) | (associationPermit ? 0x8000 : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)sf);
        destination[2] = 0;
        destination[3] = 0;
        beaconData.CopyTo(destination[4..]);
        return 4 + beaconData.Length;
    }
}
