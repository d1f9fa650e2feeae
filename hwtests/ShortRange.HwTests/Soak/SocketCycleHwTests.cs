using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Netlink;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;
using static ShortRange.Linux.Sockets.NfcSocketConstants;

namespace ShortRange.HwTests.Soak;

/// <summary>
/// Resource safety of the lab-only socket families (issue 9): open/close cycles of every AF_BLUETOOTH and AF_NFC socket
/// type — and of the mgmt and nfc netlink clients — leave the fd count and managed memory flat. Every normal lab run does
/// 1000 cycles of each (measured under TCG per 1000: AF_BLUETOOTH sockets 1.8–14.5 s, mgmt client 2.8–15.2 s, AF_NFC sockets
/// 0.7–1.6 s, nfc netlink client 7.2–37.8 s, depending on the host's load); the soak (SHORTRANGE_SOAK=1, hwtests/soak)
/// does <see cref="SoakSettings.SocketCycles"/> (10,000) of each within the soak's time budget.
/// </summary>
public class SocketCycleHwTests
{
    private static int Cycles => SoakSettings.Enabled ? SoakSettings.SocketCycles : 1000;

    private static async Task AssertFlatAsync(string what, Func<int, Task> cycle)
    {
        for (int i = 0; i < 10; i++) await cycle(i);
        long managed0 = SoakSettings.ManagedBytes();
        int fds0 = SoakSettings.Fds();
        var targets0 = SoakSettings.FdTargets();
        var sw = Stopwatch.StartNew();
        int target = Cycles, done = 0;
        // A soak run is bounded by its budget (SHORTRANGE_SOAK_MINUTES) and reports how far it got; a normal run does all.
        for (; done < target && !(SoakSettings.Enabled && sw.Elapsed > SoakSettings.Budget); done++) await cycle(done);
        sw.Stop();
        int fds = SoakSettings.SettledFds(fds0);
        long managed = SoakSettings.ManagedBytes();
        SoakSettings.Report(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {done}/{target} cycles in {sw.Elapsed.TotalSeconds:F1} s; fds {fds0} → {fds}; managed {managed0 / 1024} → {managed / 1024} KiB"));
        Assert.True(done == target, $"{what}: only {done} of {target} cycles within the {SoakSettings.Budget.TotalMinutes:F0}-minute budget");
        Assert.True(fds - fds0 <= 2, $"{what}: fds {fds0} → {fds}; new: {SoakSettings.NewFds(targets0)}");
        Assert.True(managed - managed0 < 2 << 20, $"{what}: managed heap grew {(managed - managed0) / 1024} KiB");
    }

    [Fact]
    public Task Bluetooth_hci_and_l2cap_sockets()
    {
        var adapter = LabRequire.BluetoothAdapter();
        LabRequire.Root();
        ushort index = ushort.Parse(adapter.AsSpan(3), provider: CultureInfo.InvariantCulture);
        return AssertFlatAsync("AF_BLUETOOTH control + raw + monitor + L2CAP seqpacket/stream", _ =>
        {
            using (var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BTPROTO_HCI)) s.Bind(HciSocketAddress.Control);
            using (var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BTPROTO_HCI)) s.Bind(new HciSocketAddress(index, HCI_CHANNEL_RAW));
            using (var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BTPROTO_HCI)) s.Bind(new HciSocketAddress(HCI_DEV_NONE, HCI_CHANNEL_MONITOR));
            using (var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Seqpacket, BTPROTO_L2CAP)) s.Bind(new L2capSocketAddress(0, 0));
            using (var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Stream, BTPROTO_L2CAP)) s.Bind(new L2capSocketAddress(0, 0));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public Task Mgmt_client_open_command_close()
    {
        LabRequire.BluetoothAdapter();
        LabRequire.Root();
        var ct = TestContext.Current.CancellationToken;
        return AssertFlatAsync("MgmtClient open + Read Index List + dispose", async _ =>
        {
            await using var client = new MgmtClient(MgmtSocketTransport.Open());
            Assert.NotEmpty(await client.ReadIndexListAsync(ct));
        });
    }

    [Fact]
    public Task Nfc_raw_and_llcp_sockets_and_llcp_service_bindings()
    {
        var (local, _) = LabRequire.NfcPair();
        LabRequire.Root();
        Assert.True(NfcNetlinkCodec.TryParseDeviceName(local, out uint device));
        return AssertFlatAsync("AF_NFC raw + LLCP stream/dgram + LLCP listener bound by service name", i =>
        {
            using (NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Seqpacket, NFC_SOCKPROTO_RAW)) { }
            using (NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Stream, NFC_SOCKPROTO_LLCP)) { }
            using (NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Dgram, NFC_SOCKPROTO_LLCP)) { }
            // A new name every cycle: a leaked kernel SAP/name binding would exhaust the SAP space (LLCP has 64 SAPs).
            using (LlcpListener.Listen(device, "urn:nfc:xsn:shortrange.soak:cycle" + (i % 50).ToString(CultureInfo.InvariantCulture))) { }
            return Task.CompletedTask;
        });
    }

    [Fact]
    public Task Nfc_netlink_client_open_query_close()
    {
        LabRequire.NfcPair();
        LabRequire.Root();
        var ct = TestContext.Current.CancellationToken;
        return AssertFlatAsync("NfcNetlinkClient open (resolve nfc family + events group) + GET_DEVICE dump + dispose", async _ =>
        {
            using var nfc = await NfcNetlinkClient.OpenAsync(null, ct);
            Assert.NotEmpty(await nfc.GetDevicesAsync(ct));
        });
    }
}
