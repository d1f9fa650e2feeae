using System.Runtime.InteropServices;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// Probes whether the running kernel has a technology's socket family (socket() succeeds) and skips a test with the
/// reason when it does not. The probe sockets need no privilege; the kernel autoloads the family module on first use.
/// </summary>
public static class KernelStack
{
    // include/linux/socket.h
    private const int AF_BLUETOOTH = 31;
    private const int AF_IEEE802154 = 36;
    private const int AF_NFC = 39;
    // include/linux/net.h
    private const int SOCK_DGRAM = 2;
    private const int SOCK_SEQPACKET = 5;
    // include/net/bluetooth/bluetooth.h
    private const int BTPROTO_L2CAP = 0;
    // include/uapi/linux/nfc.h
    private const int NFC_SOCKPROTO_RAW = 0;

    /// <summary>The socket family name as the kernel headers spell it.</summary>
    public static string FamilyName(Technology technology) => technology switch
    {
        Technology.Bluetooth => "AF_BLUETOOTH",
        Technology.Ieee802154 => "AF_IEEE802154",
        Technology.Nfc => "AF_NFC",
        _ => throw new ArgumentOutOfRangeException(nameof(technology)),
    };

    /// <summary>Null when socket() for the technology's family succeeds; otherwise why it failed.</summary>
    public static string? Probe(Technology technology)
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        (int family, int type, int protocol) = technology switch
        {
            Technology.Bluetooth => (AF_BLUETOOTH, SOCK_SEQPACKET, BTPROTO_L2CAP),
            Technology.Ieee802154 => (AF_IEEE802154, SOCK_DGRAM, 0),
            Technology.Nfc => (AF_NFC, SOCK_SEQPACKET, NFC_SOCKPROTO_RAW),
            _ => throw new ArgumentOutOfRangeException(nameof(technology)),
        };
        int fd = Libc.socket(family, type, protocol);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return $"socket({FamilyName(technology)}) failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";
        }
        Libc.close(fd);
        return null;
    }

    /// <summary>True when the kernel has the technology's socket family.</summary>
    public static bool IsAvailable(Technology technology) => Probe(technology) is null;

    /// <summary>Skips the calling test (with the reason; inside the lab: fails it) unless the kernel has the technology's socket family.</summary>
    public static void Require(Technology technology)
    {
        string? why = Probe(technology);
        LabRequire.That(why is null, $"The kernel has no {FamilyName(technology)}: {why}. Run in the lab: hwtests/lab/run.");
    }
}
