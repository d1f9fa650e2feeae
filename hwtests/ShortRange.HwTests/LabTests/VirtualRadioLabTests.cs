using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.LabTests;

/// <summary>The lab brings up its virtual radios: hci0/hci1 (btvirt), wpan0/wpan1 (mac802154_hwsim), nfc0/nfc1 (nfcsim).</summary>
public sealed class VirtualRadioLabTests
{
    [Fact]
    public void BluetoothControllersPresent()
    {
        LabRequire.InLab();
        Assert.Contains("hci0", LabControl.BluetoothControllers());
        Assert.Contains("hci1", LabControl.BluetoothControllers());
        Assert.Equal(("hci0", "hci1"), LabRequire.BluetoothPair());
    }

    [Fact]
    public void WpanInterfacesPresent()
    {
        LabRequire.InLab();
        Assert.True(LabRequire.IsWpan("wpan0"), "wpan0 missing or not ARPHRD_IEEE802154");
        Assert.True(LabRequire.IsWpan("wpan1"), "wpan1 missing or not ARPHRD_IEEE802154");
        Assert.Equal(("wpan0", "wpan1"), LabRequire.WpanPair());
    }

    [Fact]
    public void NfcDevicesPresent()
    {
        LabRequire.InLab();
        var devices = LabControl.NfcDevices(); // nfc0/nfc1 at boot; renumbered after a reload that found the old index held
        Assert.Equal(2, devices.Count);
        Assert.Equal((devices[0], devices[1]), LabRequire.NfcPair());
    }

    [Fact]
    public void LoopbackIsUp()
    {
        LabRequire.InLab();
        // IFF_UP = 0x1 (include/uapi/linux/if.h); /sys/class/net/lo/flags is "0x9" when up.
        int flags = Convert.ToInt32(File.ReadAllText("/sys/class/net/lo/flags").Trim(), 16);
        Assert.Equal(1, flags & 1);
    }

    [Fact]
    public void LabToolsInstalled()
    {
        LabRequire.InLab();
        foreach (string tool in new[] { "btvirt", "btmgmt", "hciconfig", "l2test", "iwpan", "wpan-hwsim", "modprobe", "ip" })
            Assert.True(LabProcess.FindTool(tool) is not null, $"{tool} is not on PATH in the lab");
    }

    [Fact]
    public void ProcessHelperCapturesOutputAndExitCode()
    {
        var ok = LabProcess.Shell("echo out; echo err >&2; exit 3");
        Assert.Equal(3, ok.ExitCode);
        Assert.Equal("out\n", ok.StandardOutput);
        Assert.Equal("err\n", ok.StandardError);
        Assert.Throws<InvalidOperationException>(() => ok.EnsureSuccess());
        Assert.Throws<TimeoutException>(() => LabProcess.Shell("sleep 10", TimeSpan.FromMilliseconds(300)));
    }
}
