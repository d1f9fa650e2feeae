using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Pairing;

/// <summary>What is stored about one bonded peer: its keys as the kernel reported them.</summary>
public sealed record Bond(BluetoothDeviceAddress Address, LinkKey? LinkKey, IReadOnlyList<LongTermKey> LongTermKeys, IdentityResolvingKey? Irk);

/// <summary>A bond file that could not be read; it is skipped, the others load.</summary>
public sealed record BondLoadError(string Path, string Reason);
