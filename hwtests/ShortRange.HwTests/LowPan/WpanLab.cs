using ShortRange.HwTests.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using ShortRange.LowPan.Adapters;

namespace ShortRange.HwTests.LowPan;

/// <summary>Helpers for the 802.15.4 hwtests: the lab's mac802154_hwsim radios wpan0/wpan1 and shell tools (ip, iwpan, wpan-hwsim).</summary>
internal static class WpanLab
{
    public const ushort PanId = 0xBEEF;

    public static void RequireRadios()
    {
        var names = WpanInterface.List().Select(w => w.Name).ToList();
        LabRequire.That(names.Contains("wpan0") && names.Contains("wpan1"),
            "No wpan0/wpan1 (run in the lab: mac802154_hwsim).");
        LabRequire.That(Environment.UserName == "root", "Needs root (CAP_NET_ADMIN, CAP_NET_RAW).");
        LabRequire.That(File.Exists("/usr/bin/iwpan") || File.Exists("/usr/sbin/iwpan"), "iwpan (wpan-tools) is not installed.");
    }

    public static string Run(string command)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException(command); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"'{command}' failed ({p.ExitCode}): {stderr}");
        return stdout;
    }

    /// <summary>Extended address from sysfs ("00:11:…", printed order) as the EUI-64 value.</summary>
    public static ulong ExtendedAddress(string ifname) =>
        ulong.Parse(File.ReadAllText($"/sys/class/net/{ifname}/address").Trim().Replace(":", "", StringComparison.Ordinal),
            NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static int InterfaceIndex(string ifname) =>
        int.Parse(File.ReadAllText($"/sys/class/net/{ifname}/ifindex").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Same PAN on both radios, the kernel's lowpan1 on wpan1, everything up. Idempotent.</summary>
    public static void SetUpKernelLowPan()
    {
        // UDP NHC lives in its own module (nhc_udp); a plain modprobe of 6lowpan pulls it in by softdep, a hand-built
        // initramfs may not. Without it the kernel drops every UDP NHC frame ("received unknown nhc id").
        Run("modprobe nhc_udp 2>/dev/null; true");
        Run("ip link set lowpan1 down 2>/dev/null; ip link del lowpan1 2>/dev/null; ip link set wpan0 down; ip link set wpan1 down; true");
        Run($"iwpan dev wpan0 set pan_id 0x{PanId:x4} && iwpan dev wpan1 set pan_id 0x{PanId:x4}");
        Run("ip link add link wpan1 name lowpan1 type lowpan");
        Run("sysctl -q -w net.ipv6.conf.lowpan1.accept_dad=0 || true");
        Run("ip link set wpan0 up && ip link set wpan1 up && ip link set lowpan1 up");
    }
}
