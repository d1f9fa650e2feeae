using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.Adapters;
using ShortRange.DependencyInjection;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Nfc;
using ShortRange.Nfc.Adapters;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Sockets;

namespace ShortRange.HwTests.Nfc;

/// <summary>The NFC generic-netlink client, adapter monitor and scanner against nfcsim (nfc0/nfc1).</summary>
public sealed class NfcNetlinkHwTests
{
    [Fact]
    public async Task Adapters_enumerate_both_devices_with_protocols_through_the_sdk()
    {
        var (local, peer) = LabRequire.NfcPair();
        var ct = TestContext.Current.CancellationToken;
        var services = new ServiceCollection().AddShortRange(b => b.AddNfc()).BuildServiceProvider();
        var monitor = services.GetServices<IAdapterMonitor>().Single(m => m.Technology == Technology.Nfc);
        var adapters = await monitor.GetAdaptersAsync(ct);
        foreach (var name in new[] { local, peer })
        {
            var a = adapters.Single(x => x.Name == name);
            var info = Assert.IsType<NfcDeviceInfo>(a.Details);
            Assert.True(info.Protocols.HasFlag(NfcProtocols.NfcDep), $"{name} protocols {info.Protocols}");
            TestContext.Current.SendDiagnosticMessage($"{name}: index {info.Index}, protocols {info.Protocols}, powered {a.IsPowered}, rf {info.RfMode}");
        }
    }

    [Fact]
    public async Task Power_up_and_down_show_in_get_device_and_llc_parameters_round_trip()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        Assert.True((await lab.Client.GetDeviceAsync(lab.Local.Index, ct)).IsPowered);
        await lab.Client.SetPoweredAsync(lab.Local.Index, true, ct); // EALREADY is not an error
        await lab.Client.SetPoweredAsync(lab.Local.Index, false, ct);
        Assert.False((await lab.Client.GetDeviceAsync(lab.Local.Index, ct)).IsPowered);
        await lab.Client.SetPoweredAsync(lab.Local.Index, true, ct);

        var before = await lab.Client.GetLlcParametersAsync(lab.Local.Index, ct);
        await lab.Client.SetLlcParametersAsync(lab.Local.Index, linkTimeout: 200, receiveWindow: 7, miux: 1000, cancellationToken: ct);
        var after = await lab.Client.GetLlcParametersAsync(lab.Local.Index, ct);
        Assert.Equal(new NfcLlcParameters(200, 7, 1000), after);
        await lab.Client.SetLlcParametersAsync(lab.Local.Index, before.LinkTimeout, before.ReceiveWindow, before.Miux, ct);
        Assert.Equal(before, await lab.Client.GetLlcParametersAsync(lab.Local.Index, ct));
        var ses = await lab.Client.GetSecureElementsAsync(ct);
        Assert.Empty(ses); // nfcsim has no secure element
        TestContext.Current.SendDiagnosticMessage($"LLC defaults: {before}");
    }

    [Fact]
    public async Task Reactive_discovery_finds_the_peer_as_an_nfc_dep_target()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        // The peer listens as an NFC-DEP target; the SDK's discovery polls with the local device.
        await lab.Client.StartPollAsync(lab.Peer.Index, NfcProtocols.None, NfcProtocols.NfcDep, ct);
        var services = new ServiceCollection()
            .AddShortRange(b => b.AddNfc(o => { o.Adapter = lab.Local.Name; o.InitiatorProtocols = NfcProtocols.NfcDep; }))
            .BuildServiceProvider();
        var discovery = services.GetRequiredService<IShortRangeDiscovery>().GetDiscovery(Technology.Nfc);
        var sw = Stopwatch.StartNew();
        var found = await discovery.Discover().Where(e => e.Kind == DiscoveryEventKind.Found).FirstAsync().Timeout(NfcLab.Wait).ToTask(ct);
        var address = Assert.IsType<NfcDeviceAddress>(found.Device.Address);
        Assert.Equal(lab.Local.Index, address.DeviceIndex);
        Assert.Equal(lab.Local.Name, found.Device.Adapter);
        var target = Assert.IsType<NfcTargetInfo>(found.Device.Details);
        Assert.True(target.Protocols.HasFlag(NfcProtocols.NfcDep));
        Assert.Equal(target.Index, address.TargetIndex);
        Assert.Equal(target.Identifier, address.NfcId);
        TestContext.Current.SendDiagnosticMessage(
            $"found {address} after {sw.Elapsed.TotalSeconds:0.0} s: protocols {target.Protocols}, SENS_RES 0x{target.SensRes:X4}, SEL_RES 0x{target.SelRes:X2}, NFCID1 {Convert.ToHexString(target.NfcId1)}, SENSF_RES {Convert.ToHexString(target.SensfRes)}");
    }

    [Fact]
    public async Task Poll_and_link_up_reaches_a_peer_that_has_been_listening_for_a_while()
    {
        // The tool's case: the peer listens (another process in real use) long before this side polls; a late ATR_REQ
        // goes unanswered and the linker polls again. The link must come up, with the target of the last poll.
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        await lab.Client.StartPollAsync(lab.Peer.Index, NfcProtocols.None, NfcProtocols.NfcDep, ct);
        await Task.Delay(5000, ct);
        using var local = await NfcNetlinkClient.OpenAsync(null, ct);
        var sw = Stopwatch.StartNew();
        var r = await local.PollAndLinkUpAsync(lab.Local.Index, NfcLab.Wait, cancellationToken: ct);
        Assert.Equal(NfcRfMode.Initiator, r.Link.RfMode);
        Assert.Equal(r.Target.Index, r.Link.TargetIndex);
        Assert.True(r.Target.Protocols.HasFlag(NfcProtocols.NfcDep));
        Assert.True((await local.GetDeviceAsync(lab.Local.Index, ct)).RfMode == NfcRfMode.Initiator, "the device reports the initiator link");
        TestContext.Current.SendDiagnosticMessage($"NFC-DEP link up after {sw.Elapsed.TotalSeconds:0.0} s in {r.Attempts} attempt(s)");
        await local.DepLinkDownAsync(lab.Local.Index, r.Target.Index, ct);
    }

    [Fact]
    public async Task Raw_socket_activates_the_target_and_releases_it_when_disposed()
    {
        // nfcsim emulates only NFC-DEP peers: there is no Type 2/4 tag behind a raw socket, so the tag command layers
        // cannot be proven here. What is proven: connect (target activation) and release on dispose; a transceive is
        // attempted and its outcome reported (bounded), not asserted.
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        var found = lab.Client.Events.OfType<NfcTargetsFoundEvent>().Where(e => e.DeviceIndex == lab.Local.Index)
            .FirstAsync().Timeout(NfcLab.Wait).ToTask(ct);
        await lab.Client.StartPollAsync(lab.Peer.Index, NfcProtocols.None, NfcProtocols.NfcDep, ct);
        await lab.Client.StartPollAsync(lab.Local.Index, NfcProtocols.NfcDep, NfcProtocols.None, ct);
        await found;
        var target = (await lab.Client.GetTargetsAsync(lab.Local.Index, ct)).Single();
        using (var raw = await NfcRawSocket.ConnectAsync(lab.Local.Index, target.Index, NfcProtocol.NfcDep, TimeSpan.FromSeconds(30), ct))
        {
            // A second activation of the same device is refused while the first socket holds the target.
            var busy = await Assert.ThrowsAsync<NfcSocketException>(() =>
                NfcRawSocket.ConnectAsync(lab.Local.Index, target.Index, NfcProtocol.NfcDep, TimeSpan.FromSeconds(30), ct));
            TestContext.Current.SendDiagnosticMessage($"second raw connect: {busy.Message}");
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                var r = await raw.TransceiveAsync(new byte[] { 0x30, 0x00 }, attempt.Token);
                TestContext.Current.SendDiagnosticMessage($"raw transceive to the NFC-DEP peer answered {Convert.ToHexString(r.Span)}");
            }
            catch (Exception e) when (e is NfcException or OperationCanceledException)
            {
                TestContext.Current.SendDiagnosticMessage($"raw transceive to the NFC-DEP peer: {e.GetType().Name}: {e.Message}");
            }
        }
        // Released: the device can be powered down (EBUSY while a target is held active would fail this).
        await lab.Client.SetPoweredAsync(lab.Local.Index, false, ct);
        Assert.False((await lab.Client.GetDeviceAsync(lab.Local.Index, ct)).IsPowered);
    }

    [Fact]
    public async Task Adapter_monitor_reports_removal_and_addition_when_nfcsim_is_reloaded()
    {
        LabRequire.InLab();
        var (local, peer) = LabRequire.NfcPair();
        var ct = TestContext.Current.CancellationToken;
        var monitor = new NfcAdapterMonitor();
        // Ready = the kernel counts one more member of the nfc "events" group: the monitor resolves the family
        // asynchronously after Subscribe returns, and a reload before it joins would go unseen.
        int group = NetlinkMembership.GenericGroupId("nfc", "events");
        int membersBefore = NetlinkMembership.Members(NetlinkMembership.NETLINK_GENERIC, group);
        var events = new List<AdapterEvent>();
        var gotAll = new TaskCompletionSource();
        using var sub = monitor.Changes.Subscribe(e =>
        {
            lock (events)
            {
                events.Add(e);
                if (events.Count(x => x.Kind == AdapterEventKind.Removed) >= 2 && events.Count(x => x.Kind == AdapterEventKind.Added) >= 2)
                    gotAll.TrySetResult();
            }
        });
        Assert.True(LabProcess.WaitUntil(() => NetlinkMembership.Members(NetlinkMembership.NETLINK_GENERIC, group) > membersBefore, NfcLab.Wait),
            $"the monitor did not join nfc events group {group} within {NfcLab.Wait}");
        LabControl.ReloadModule("nfcsim");
        await gotAll.Task.WaitAsync(NfcLab.Wait, ct);
        lock (events)
        {
            Assert.Contains(events, e => e.Kind == AdapterEventKind.Removed && e.Adapter.Name == local);
            Assert.Contains(events, e => e.Kind == AdapterEventKind.Removed && e.Adapter.Name == peer);
            var added = events.Where(e => e.Kind == AdapterEventKind.Added).Select(e => e.Adapter.Name).ToList();
            Assert.True(added.Count >= 2, "added: " + string.Join(",", added));
            TestContext.Current.SendDiagnosticMessage("events: " + string.Join(", ", events.Select(e => $"{e.Kind} {e.Adapter.Name}")));
        }
        Assert.True(LabProcess.WaitUntil(() => LabControl.NfcDevices().Count == 2, TimeSpan.FromSeconds(20)),
            "nfcsim came back as " + string.Join(",", LabControl.NfcDevices()));
    }
}
