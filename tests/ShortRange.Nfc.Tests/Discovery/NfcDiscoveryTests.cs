using Microsoft.Extensions.DependencyInjection;
using ShortRange.Adapters;
using ShortRange.DependencyInjection;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Nfc.Adapters;
using ShortRange.Nfc.Discovery;
using ShortRange.Nfc.Netlink;

namespace ShortRange.Nfc.Tests.Discovery;

public class NfcDiscoveryTests
{
    [Fact]
    public void Target_becomes_a_sighting_with_device_target_and_nfcid()
    {
        var dev = new NfcDeviceInfo(0, "nfc0", NfcProtocols.NfcDep, true, NfcRfMode.Initiator);
        var t = new NfcTargetInfo(1, NfcProtocols.NfcDep, 0x0044, 0x40, [8, 1, 2, 3], [], [], null, []);
        var at = DateTimeOffset.UnixEpoch;
        var s = NfcScanner.ToSighting(dev, t, at);
        Assert.Equal(new NfcDeviceAddress(0, 1, [8, 1, 2, 3]), s.Address);
        Assert.Equal("nfc0", s.Adapter);
        Assert.Same(t, s.Details);
        Assert.False(s.IsGone);
        Assert.True(NfcScanner.ToSighting(dev, t, at, gone: true).IsGone);
    }

    [Fact]
    public void Device_becomes_an_adapter()
    {
        var d = new NfcDeviceInfo(1, "nfc1", NfcProtocols.NfcDep, false, NfcRfMode.None);
        Assert.Equal(new AdapterInfo(Technology.Nfc, "nfc1", false, null, d), NfcAdapterMonitor.ToAdapter(d));
    }

    [Fact]
    public void AddNfc_registers_one_scanner_and_one_monitor_resolving_to_the_same_instances()
    {
        var services = new ServiceCollection();
        services.AddShortRange(b => b.AddNfc(o => o.Adapter = "nfc1").AddNfc());
        using var sp = services.BuildServiceProvider();
        var scanner = Assert.Single(sp.GetServices<IDeviceScanner>());
        Assert.Same(sp.GetRequiredService<NfcScanner>(), scanner);
        Assert.Equal(Technology.Nfc, scanner.Technology);
        Assert.Same(sp.GetRequiredService<NfcAdapterMonitor>(), Assert.Single(sp.GetServices<IAdapterMonitor>()));
        Assert.Equal("nfc1", sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<NfcOptions>>().Value.Adapter);
    }
}
