namespace ShortRange.Devices;

/// <summary>An NFC target as the kernel numbers it on one NFC device, with its NFCID (NFCID1 for type A, NFCID2 for F …).</summary>
public sealed record NfcDeviceAddress(uint DeviceIndex, uint TargetIndex, byte[] NfcId) : DeviceAddress
{
    public override Technology Technology => Technology.Nfc;

    public bool Equals(NfcDeviceAddress? other) =>
        other is not null && DeviceIndex == other.DeviceIndex && TargetIndex == other.TargetIndex
        && NfcId.AsSpan().SequenceEqual(other.NfcId);

    public override int GetHashCode() => HashCode.Combine(DeviceIndex, TargetIndex, NfcId.Length);

    public override string ToString() => $"nfc{DeviceIndex}/target{TargetIndex}/{Convert.ToHexStringLower(NfcId)}";
}
