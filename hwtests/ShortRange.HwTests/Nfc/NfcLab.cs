using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Netlink;
using ShortRange.Nfc.Netlink;

namespace ShortRange.HwTests.Nfc;

/// <summary>
/// The two nfcsim devices (or SHORTRANGE_NFC_DEVICE / SHORTRANGE_NFC_PEER) brought to an NFC-DEP link: the peer listens
/// in target mode, the local device polls for NFC-DEP as initiator, finds the peer, and brings the DEP link up.
/// nfcsim runs on the kernel's digital layer with random 3–10 ms frame delays; under TCG the poll and the ATR exchange
/// take seconds, so every wait is generous and bounded. Dispose brings the link down and powers both devices off.
/// </summary>
internal sealed class NfcLab : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private NfcLab(NfcNetlinkClient client, NfcDeviceInfo local, NfcDeviceInfo peer)
    {
        Client = client;
        Local = local;
        Peer = peer;
    }

    public NfcNetlinkClient Client { get; }
    public NfcDeviceInfo Local { get; }
    public NfcDeviceInfo Peer { get; }
    public NfcTargetInfo? Target { get; private set; }
    public int LinkAttempts { get; private set; }
    public TimeSpan TimeToDepLinkUp { get; private set; }
    public NfcTargetModeActivatedEvent? PeerActivated { get; private set; }

    /// <summary>Opens the netlink client and finds both devices (skips without them).</summary>
    public static async Task<NfcLab> OpenAsync(CancellationToken ct)
    {
        if (LabEnvironment.InLab) Fresh(); // first: a reload can renumber the devices
        var (local, peer) = LabRequire.NfcPair();
        LabRequire.Root();
        var client = await NfcNetlinkClient.OpenAsync(null, ct);
        try
        {
            var devices = await client.GetDevicesAsync(ct);
            var l = devices.Single(d => d.Name == local);
            var p = devices.Single(d => d.Name == peer);
            await client.SetPoweredAsync(l.Index, true, ct);
            await client.SetPoweredAsync(p.Index, true, ct);
            return new NfcLab(client, l, p);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// In the lab every test starts from freshly loaded nfcsim devices: the digital layer can keep a target "active" after
    /// an aborted exchange (then every poll fails with EBUSY) and nothing but a reload clears it. The kernel frees an NFC
    /// index only when the last reference to the old device goes (6.1's LLCP can hold one for a while), so the new pair is
    /// not always nfc0/nfc1: tests take the names from <see cref="LabRequire.NfcPair"/> after this.
    /// </summary>
    public static void Fresh()
    {
        for (int attempt = 0; ; attempt++)
        {
            LabControl.ReloadModule("nfcsim");
            // modprobe returns after nfcsim_init registered both devices, so this wait should never need a second
            // reload; any that happens is recorded in the lab's notes so it cannot hide.
            if (LabProcess.WaitUntil(() => LabControl.NfcDevices().Count == 2, TimeSpan.FromSeconds(5))) return;
            string seen = string.Join(",", LabControl.NfcDevices());
            try { File.AppendAllText("/lab/notes", $"lab: nfcsim reload {attempt + 1} gave [{seen}], not two devices; reloading again\n"); }
            catch (IOException) { }
            if (attempt == 4) throw new InvalidOperationException("nfcsim came back as " + seen);
            Thread.Sleep(2000);
        }
    }

    /// <summary>
    /// Peer in target mode, then the SDK's <see cref="NfcDepLinker.PollAndLinkUpAsync"/> on the local device (it polls again
    /// when the found target's ATR window closes before DEP_LINK_UP, as it does for the first link of a cold process).
    /// </summary>
    public async Task LinkUpAsync(CancellationToken ct)
    {
        var activated = Client.Events.OfType<NfcTargetModeActivatedEvent>().Where(e => e.DeviceIndex == Peer.Index)
            .FirstAsync().Timeout(Wait).ToTask(ct);
        var sw = Stopwatch.StartNew();
        await Client.StartPollAsync(Peer.Index, NfcProtocols.None, NfcProtocols.NfcDep, ct);
        var r = await Client.PollAndLinkUpAsync(Local.Index, Wait, cancellationToken: ct);
        TimeToDepLinkUp = sw.Elapsed;
        Target = r.Target;
        LinkAttempts = r.Attempts;
        Assert.Equal(NfcRfMode.Initiator, r.Link.RfMode);
        Assert.Equal(Target.Index, r.Link.TargetIndex);
        PeerActivated = await activated;
    }

    /// <summary>
    /// Makes <paramref name="device"/> drop the next <paramref name="frames"/> frames it sends (nfcsim's debugfs knob
    /// /sys/kernel/debug/nfcsim/nfcN/dropframe, counted down per frame): a peer that stops answering, as one leaving the
    /// field does, without a power cycle (after which nfcsim's pair never links again). 0 makes it answer again.
    /// </summary>
    public static void StopAnswering(NfcDeviceInfo device, byte frames)
    {
        string knob = $"/sys/kernel/debug/nfcsim/{device.Name}/dropframe";
        LabRequire.That(File.Exists(knob), $"nfcsim's debugfs knob {knob} is missing (is debugfs mounted? the lab mounts it)");
        File.WriteAllText(knob, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (Target is not null)
        {
            try { await Client.DepLinkDownAsync(Local.Index, Target.Index, cts.Token); } catch (NetlinkException) { }
            try { await Client.DepLinkDownAsync(Peer.Index, 0, cts.Token); } catch (NetlinkException) { } // the target side too
        }
        foreach (var d in new[] { Local, Peer })
        {
            try { await Client.StopPollAsync(d.Index, cts.Token); } catch (NetlinkException) { }
            try { await Client.SetPoweredAsync(d.Index, false, cts.Token); } catch (NetlinkException) { }
        }
        Client.Dispose();
    }
}
