using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.LabTests;

/// <summary>The helpers tests use to reconfigure the lab do what they say.</summary>
public sealed class LabControlTests
{
    [Fact]
    public void RestartBtvirtGivesTwoReadyControllers()
    {
        LabRequire.InLab();
        LabControl.RestartBtvirt();
        Assert.Equal(["hci0", "hci1"], LabControl.BluetoothControllers());
        string info = LabProcess.Run("hciconfig", "hci1").EnsureSuccess().StandardOutput;
        Assert.DoesNotContain("BD Address: 00:00:00:00:00:00", info, StringComparison.Ordinal);
    }

    [Fact]
    public void HwsimRadioCanBeAddedAndRemoved()
    {
        LabRequire.InLab();
        var (index, name) = LabControl.AddHwsimRadio();
        try
        {
            Assert.True(index >= 2, $"hwsim index {index}");
            Assert.True(LabRequire.IsWpan(name), $"{name} is not a wpan interface");
            LabControl.AddHwsimEdge(0, index);
        }
        finally
        {
            LabControl.DeleteHwsimRadio(index);
        }
        Assert.True(LabProcess.WaitUntil(() => !Directory.Exists($"/sys/class/net/{name}"), TimeSpan.FromSeconds(10)), $"{name} still present");
        Assert.True(LabRequire.IsWpan("wpan0") && LabRequire.IsWpan("wpan1"));
    }
}
