using System.Globalization;

namespace ShortRange.Devices;

/// <summary>
/// An IEEE 802.15.4 device: PAN identifier plus a short (16-bit) and/or extended (EUI-64) address.
/// Equality uses the extended address when known, otherwise PAN + short address.
/// </summary>
public sealed record Ieee802154DeviceAddress(ushort PanId, ushort? ShortAddress, ulong? ExtendedAddress) : DeviceAddress
{
    public override Technology Technology => Technology.Ieee802154;

    public bool Equals(Ieee802154DeviceAddress? other) =>
        other is not null && (ExtendedAddress is { } e && other.ExtendedAddress is { } oe
            ? e == oe
            : PanId == other.PanId && ShortAddress == other.ShortAddress && ExtendedAddress == other.ExtendedAddress);

    public override int GetHashCode() =>
        ExtendedAddress is { } e ? e.GetHashCode() : HashCode.Combine(PanId, ShortAddress);

    public override string ToString() => ExtendedAddress is { } ext
        ? string.Create(CultureInfo.InvariantCulture, $"{ext:x16}@{PanId:x4}")
        : string.Create(CultureInfo.InvariantCulture, $"{ShortAddress ?? 0xFFFF:x4}@{PanId:x4}");
}
