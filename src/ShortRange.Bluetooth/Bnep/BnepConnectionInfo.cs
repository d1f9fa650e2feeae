namespace ShortRange.Bluetooth.Bnep;

/// <summary>A kernel BNEP session as BNEPGETCONNINFO/BNEPGETCONNLIST report it (struct bnep_conninfo).</summary>
/// <param name="Peer">Remote BD_ADDR, first displayed octet most significant (as <c>BluetoothDeviceAddress.Value</c>).</param>
/// <param name="Role">The role passed to BNEPCONNADD.</param>
/// <param name="State">BT_CONNECTED (1) while the session runs (include/net/bluetooth/bluetooth.h).</param>
public sealed record BnepConnectionInfo(ulong Peer, BnepRole Role, ushort State, string InterfaceName, uint Flags);
