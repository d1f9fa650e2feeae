using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// Preconditions of hwtests: each returns the radio(s) to use (from <see cref="LabEnvironment"/>) or skips the test
/// with the reason. Call first thing in a test, e.g. <c>var (local, peer) = LabRequire.BluetoothPair();</c>.
/// Inside the lab nothing may skip (it installs every tool and loads every radio): there an unmet precondition fails the
/// test with the same reason, so a lab that lost a tool or a radio cannot report green.
/// </summary>
public static class LabRequire
{
    /// <summary>Skips the test with <paramref name="reason"/> unless <paramref name="condition"/>; inside the lab, fails it.</summary>
    public static void That([DoesNotReturnIf(false)] bool condition, string reason)
    {
        if (condition) return;
        if (LabEnvironment.InLab) Assert.Fail("Inside the lab a precondition cannot be skipped: " + reason);
        Assert.Skip(reason);
    }

    /// <summary>A precondition that is not met: skips outside the lab, fails inside it.</summary>
    [DoesNotReturn]
    public static void Missing(string reason)
    {
        That(false, reason);
        throw new UnreachableException();
    }

    private const string RunLab = "Run in the lab (hwtests/lab/run) or set it in the environment (hwtests/README.md).";

    /// <summary>AF_BLUETOOTH and the local controller (<c>SHORTRANGE_BT_ADAPTER</c>, default hci0).</summary>
    public static string BluetoothAdapter()
    {
        KernelStack.Require(Technology.Bluetooth);
        string local = LabEnvironment.BluetoothAdapter;
        if (LabEnvironment.InLab && !SysfsExists("bluetooth", local)) LabControl.ReviveBtvirt();
        That(SysfsExists("bluetooth", local), $"No Bluetooth controller {local} (/sys/class/bluetooth). {RunLab}");
        return local;
    }

    /// <summary>Two local controllers that reach each other (lab: hci0 and hci1 from btvirt).</summary>
    public static (string Local, string Peer) BluetoothPair()
    {
        string local = BluetoothAdapter();
        string? peer = LabEnvironment.BluetoothPeerAdapter;
        That(peer is not null, $"No peer controller: set {LabEnvironment.BluetoothPeerAdapterVariable}. {RunLab}");
        That(SysfsExists("bluetooth", peer!), $"No Bluetooth peer controller {peer} (/sys/class/bluetooth). {RunLab}");
        return (local, peer!);
    }

    /// <summary>A remote peer's address from <c>SHORTRANGE_BT_PEER_ADDRESS</c> (real radios only).</summary>
    public static string BluetoothPeerAddress()
    {
        string? address = LabEnvironment.BluetoothPeerAddress;
        That(address is not null, $"{LabEnvironment.BluetoothPeerAddressVariable} is not set (needs a real remote device).");
        return address!;
    }

    /// <summary>AF_IEEE802154 and the local interface (<c>SHORTRANGE_WPAN</c>, default wpan0).</summary>
    public static string Wpan()
    {
        KernelStack.Require(Technology.Ieee802154);
        string local = LabEnvironment.Wpan;
        That(IsWpan(local), $"No 802.15.4 interface {local} (/sys/class/net). {RunLab}");
        return local;
    }

    /// <summary>Two 802.15.4 interfaces on one medium (lab: wpan0 and wpan1 from mac802154_hwsim).</summary>
    public static (string Local, string Peer) WpanPair()
    {
        string local = Wpan();
        string? peer = LabEnvironment.WpanPeer;
        That(peer is not null, $"No peer interface: set {LabEnvironment.WpanPeerVariable}. {RunLab}");
        That(IsWpan(peer!), $"No 802.15.4 peer interface {peer} (/sys/class/net). {RunLab}");
        return (local, peer!);
    }

    /// <summary>AF_NFC and the local device (<c>SHORTRANGE_NFC_DEVICE</c>, default nfc0).</summary>
    public static string NfcDevice()
    {
        KernelStack.Require(Technology.Nfc);
        string local = LabEnvironment.NfcDevice;
        That(SysfsExists("nfc", local), $"No NFC device {local} (/sys/class/nfc has {string.Join(",", LabControl.NfcDevices())}). {RunLab}");
        return local;
    }

    /// <summary>Two NFC devices in range of each other (lab: nfc0 and nfc1 from nfcsim).</summary>
    public static (string Local, string Peer) NfcPair()
    {
        string local = NfcDevice();
        string? peer = LabEnvironment.NfcPeer;
        That(peer is not null, $"No peer NFC device: set {LabEnvironment.NfcPeerVariable}. {RunLab}");
        That(SysfsExists("nfc", peer!), $"No NFC peer device {peer} (/sys/class/nfc). {RunLab}");
        return (local, peer!);
    }

    /// <summary>Skips unless running as root (CAP_NET_ADMIN/CAP_NET_RAW; the lab runs as root).</summary>
    public static void Root() =>
        That(Environment.UserName == "root", "Needs root (CAP_NET_ADMIN, CAP_NET_RAW).");

    /// <summary>Skips unless <paramref name="tool"/> is on PATH; returns its full path.</summary>
    public static string Tool(string tool)
    {
        string? path = LabProcess.FindTool(tool);
        That(path is not null, $"'{tool}' is not installed (the lab installs bluez, bluez-test-tools, wpan-tools).");
        return path!;
    }

    /// <summary>Skips unless running inside the lab (for tests that reconfigure the virtual radios).</summary>
    public static void InLab() =>
        That(LabEnvironment.InLab, "Only inside the lab (it checks or reconfigures the lab's virtual radios): run hwtests/lab/run.");

    internal static bool SysfsExists(string cls, string name) => Directory.Exists($"/sys/class/{cls}/{name}");

    // ARPHRD_IEEE802154 = 804 (include/uapi/linux/if_arp.h): a wpan interface, not its lowpan upper device.
    internal static bool IsWpan(string name) =>
        File.Exists($"/sys/class/net/{name}/type") && File.ReadAllText($"/sys/class/net/{name}/type").Trim() == "804";
}
