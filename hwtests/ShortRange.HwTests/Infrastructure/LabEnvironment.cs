namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// Which radios the hwtests drive. Inside the lab (<c>SHORTRANGE_LAB=1</c>) the defaults are the virtual radios
/// (hci0/hci1, wpan0/wpan1, nfc0/nfc1); on a machine with real radios set the variables below (see hwtests/README.md).
/// </summary>
public static class LabEnvironment
{
    /// <summary>Set to 1 by the lab's guest init.</summary>
    public const string LabVariable = "SHORTRANGE_LAB";
    public const string BluetoothAdapterVariable = "SHORTRANGE_BT_ADAPTER";
    public const string BluetoothPeerAdapterVariable = "SHORTRANGE_BT_PEER_ADAPTER";
    public const string BluetoothPeerAddressVariable = "SHORTRANGE_BT_PEER_ADDRESS";
    public const string WpanVariable = "SHORTRANGE_WPAN";
    public const string WpanPeerVariable = "SHORTRANGE_WPAN_PEER";
    public const string NfcDeviceVariable = "SHORTRANGE_NFC_DEVICE";
    public const string NfcPeerVariable = "SHORTRANGE_NFC_PEER";

    /// <summary>True inside the qemu lab (guest init exports SHORTRANGE_LAB=1).</summary>
    public static bool InLab => Environment.GetEnvironmentVariable(LabVariable) == "1";

    /// <summary>The local Bluetooth controller (default hci0).</summary>
    public static string BluetoothAdapter => Get(BluetoothAdapterVariable) ?? "hci0";

    /// <summary>A second local controller that acts as the peer (default hci1 in the lab, none elsewhere).</summary>
    public static string? BluetoothPeerAdapter => Get(BluetoothPeerAdapterVariable) ?? (InLab ? "hci1" : null);

    /// <summary>A remote device's address ("AA:BB:CC:DD:EE:FF") for tests against a real peer; null if unset.</summary>
    public static string? BluetoothPeerAddress => Get(BluetoothPeerAddressVariable);

    /// <summary>The local 802.15.4 interface (default wpan0).</summary>
    public static string Wpan => Get(WpanVariable) ?? "wpan0";

    /// <summary>The peer 802.15.4 interface on the same medium (default wpan1 in the lab, none elsewhere).</summary>
    public static string? WpanPeer => Get(WpanPeerVariable) ?? (InLab ? "wpan1" : null);

    /// <summary>
    /// The local NFC device (default nfc0; in the lab the first device nfcsim registered). The kernel frees an NFC index
    /// only when the last reference to the old device goes, so after an nfcsim reload the pair can be nfc1/nfc2.
    /// </summary>
    public static string NfcDevice => Get(NfcDeviceVariable) ?? (InLab ? LabNfcDevice(0) ?? "nfc0" : "nfc0");

    /// <summary>The peer NFC device (in the lab the second device nfcsim registered: nfcsim links its two devices).</summary>
    public static string? NfcPeer => Get(NfcPeerVariable) ?? (InLab ? LabNfcDevice(1) ?? "nfc1" : null);

    private static string? LabNfcDevice(int position) => LabControl.NfcDevices() is var d && d.Count > position ? d[position] : null;

    private static string? Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Trim() : null;
}
