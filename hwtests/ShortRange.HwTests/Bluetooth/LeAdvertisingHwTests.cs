using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our LE advertisement (mgmt Add Advertising) seen by BlueZ's own scanner: <c>btmgmt find -l</c> on the other
/// controller reports it with our name, and btmon decodes the advertising reports that controller received into our
/// name, service UUID and manufacturer data. Disposal removes the instance (Read Advertising Features counts none).
/// </summary>
public sealed partial class LeAdvertisingHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const ushort MGMT_OP_SET_ADVERTISING = 0x0029;

    // btvirt (BlueZ 5.66 emulator/btdev.c) sends an advertising report only at two instants, never periodically: when
    // a scanner's LE Set (Extended) Scan Enable completes (one report, plus the scan response when scanning actively,
    // per advertiser enabled at that moment; scan_ext_adv/cmd_set_scan_enable_complete) and when an advertiser's
    // LE Set (Extended) Advertising Enable completes (to every device scanning then; le_set_ext_adv_enable_complete).
    // The scanner's kernel reports devices to mgmt only once its discovery state is FINDING (mgmt_device_found,
    // hci_discovery_active), which it enters after the scan-enable command completed, while the report btvirt sends
    // right behind that Command Complete is already being processed. Advertising first and `btmgmt find` second is
    // therefore a race the report can lose, after which the peer sees nothing for the whole 10.24 s discovery (CI m3,
    // seed 575179059). So the peer's discovery is started first and our advertisement only once mgmt has announced
    // Discovering (state FINDING): the report btvirt sends at our advertising enable then always counts.
    [Fact]
    public async Task Btmgmt_find_and_btmon_see_our_name_uuid_and_manufacturer_data_until_dispose()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string btmgmt = LabRequire.Tool("btmgmt");
        string btmon = LabRequire.Tool("btmon");
        var p = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        await using var mgmt = new MgmtClient(MgmtSocketTransport.Open());
        var before = new Dictionary<ushort, MgmtSettings>();
        foreach (var i in new[] { p.LocalIndex, p.PeerIndex })
        {
            before[i] = (await mgmt.ReadControllerInfoAsync(i, Ct)).CurrentSettings;
            await mgmt.SetLowEnergyAsync(i, true, Ct);
        }
        await mgmt.SendCommandAsync(MGMT_OP_SET_ADVERTISING, p.LocalIndex, new byte[] { 0x00 }, Ct);   // it would override instances
        await ReportExtendedAdvertisingSupportAsync(mgmt, p.LocalIndex);

        string name = "SR-adv-" + (Environment.ProcessId % 1000).ToString(CultureInfo.InvariantCulture);
        string capture = Path.Combine(Path.GetTempPath(), $"sr-adv-{Environment.ProcessId}.btsnoop");
        string advertiserCapture = Path.Combine(Path.GetTempPath(), $"sr-adv-{Environment.ProcessId}-local.btsnoop");
        int monitor = LabProcess.StartDetached(btmon, "-i", peer, "-w", capture);
        // The advertiser's own HCI traffic, kept only to explain a failure.
        int advertiserMonitor = LabProcess.StartDetached(btmon, "-i", local, "-w", advertiserCapture);
        try
        {
            // btmon writes the btsnoop header (16 octets) as soon as it runs, then the index's New Index record.
            Assert.True(LabProcess.WaitUntil(() => File.Exists(capture) && new FileInfo(capture).Length > 16
                && File.Exists(advertiserCapture) && new FileInfo(advertiserCapture).Length > 16, TimeSpan.FromSeconds(30)), "btmon did not start");
            var discovering = mgmt.Events.FirstAsync(e => e.Code == MgmtEventCode.MGMT_EV_DISCOVERING && e.Index == p.PeerIndex
                && MgmtEvents.Discovering(e.Parameters.Span).Discovering).ToTask(Ct);
            var find = Task.Run(() => LabProcess.Run(btmgmt, ["--index", p.PeerIndex.ToString(CultureInfo.InvariantCulture), "find", "-l"], TimeSpan.FromSeconds(90)), Ct);
            if (await Task.WhenAny(discovering, find, Task.Delay(TimeSpan.FromSeconds(30), Ct)) != discovering)
                Assert.Fail("the peer's LE discovery did not start: " + (find.IsCompleted ? (await find).ToString() : "no Discovering event in 30 s"));
            string found;
            await using (var adv = await LeAdvertisement.StartAsync(mgmt, p.LocalIndex, new LeAdvertisementOptions
            {
                Name = name,
                ServiceUuids = [BluetoothUuid.FromShort(0x180F)],
                ManufacturerData = new Dictionary<ushort, byte[]> { [0x0059] = [0x01, 0x02, 0x03] },
            }, cancellationToken: Ct))
            {
                Assert.Equal(1, await InstanceCountAsync(mgmt, p.LocalIndex));
                var result = await find.WaitAsync(TimeSpan.FromSeconds(120), Ct);
                found = result.StandardOutput;
                string address = Format(p.LocalAddress);
                if (!found.Contains($"dev_found: {address} type LE Public", StringComparison.Ordinal)
                    || !found.Contains("name " + name, StringComparison.Ordinal))
                    Assert.Fail(result + "\n" + HciStory(btmon, monitor, capture, peer) + HciStory(btmon, advertiserMonitor, advertiserCapture, local));
            }
            Assert.Equal(0, await InstanceCountAsync(mgmt, p.LocalIndex));
        }
        finally
        {
            foreach (var pid in new[] { monitor, advertiserMonitor })
            {
                LabProcess.Run("kill", pid.ToString(CultureInfo.InvariantCulture));
                LabProcess.WaitUntil(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(10));
            }
            File.Delete(advertiserCapture);
            foreach (var i in new[] { p.LocalIndex, p.PeerIndex })
                if (!before[i].HasFlag(MgmtSettings.LowEnergy)) await mgmt.SetLowEnergyAsync(i, false, Ct);
        }
        var decoded = LabProcess.Run(btmon, ["-r", capture], TimeSpan.FromSeconds(120));
        File.Delete(capture);
        string text = decoded.StandardOutput;
        Assert.True(text.Contains("Name (complete): " + name, StringComparison.Ordinal), "btmon saw no advertising report with our name:\n" + Tail(text));
        Assert.True(text.Contains("(0x180f)", StringComparison.OrdinalIgnoreCase), "btmon saw no 0x180F service UUID:\n" + Tail(text));
        Assert.True(CompanyRegex().IsMatch(text), "btmon saw no manufacturer data 0x0059 01 02 03:\n" + Tail(text));
        TestContext.Current.SendDiagnosticMessage($"btmgmt find -l and btmon saw {name}, 0x180F and company 0x0059 data 010203");
        Console.WriteLine($"@@LEADV btmgmt find -l (started first) and btmon saw {name}, 0x180F and company 0x0059 data 010203");
    }

    // Whether the kernel offers mgmt Add Extended Advertising Parameters/Data (0x0054/0x0055; mgmt-api.txt) and what
    // Read Advertising Features says the controller supports, reported; LeAdvertisement takes the extended pair when
    // the kernel lists it (LeAdvertisingExtendedHwTests checks the HCI that becomes).
    private static async Task ReportExtendedAdvertisingSupportAsync(MgmtClient mgmt, ushort index)
    {
        var r = await mgmt.SendCommandAsync(MgmtOpcode.MGMT_OP_READ_COMMANDS, ushort.MaxValue, ReadOnlyMemory<byte>.Empty, Ct);
        int commands = BinaryPrimitives.ReadUInt16LittleEndian(r.Span);
        var opcodes = Enumerable.Range(0, commands).Select(i => BinaryPrimitives.ReadUInt16LittleEndian(r.Span[(4 + 2 * i)..])).ToHashSet();
        var features = await mgmt.SendCommandAsync(MgmtOpcode.MGMT_OP_READ_ADV_FEATURES, index, ReadOnlyMemory<byte>.Empty, Ct);
        string line = $"mgmt: Add Ext Adv Params 0x0054 {(opcodes.Contains(0x0054) ? "listed" : "absent")}, " +
            $"Add Ext Adv Data 0x0055 {(opcodes.Contains(0x0055) ? "listed" : "absent")}; hci{index} supported adv flags " +
            $"0x{BinaryPrimitives.ReadUInt32LittleEndian(features.Span):X8}, max instances {features.Span[6]}";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@LEADV " + line);
    }

    // Read Advertising Features (mgmt-api.txt): Supported_Flags (4) | Max_Adv_Data_Len | Max_Scan_Rsp_Len | Max_Instances | Num_Instances | …
    internal static async Task<int> InstanceCountAsync(MgmtClient mgmt, ushort index)
    {
        var r = await mgmt.SendCommandAsync(MgmtOpcode.MGMT_OP_READ_ADV_FEATURES, index, ReadOnlyMemory<byte>.Empty, Ct);
        Assert.True(r.Length >= 8, "short Read Advertising Features reply");
        _ = BinaryPrimitives.ReadUInt32LittleEndian(r.Span);
        return r.Span[7];
    }

    // What each controller was told and reported about advertising and scanning (btmon decodes), for a failure message.
    private static string HciStory(string btmon, int monitor, string capture, string adapter)
    {
        LabProcess.Run("kill", monitor.ToString(CultureInfo.InvariantCulture));
        LabProcess.WaitUntil(() => !Directory.Exists($"/proc/{monitor}"), TimeSpan.FromSeconds(10));
        var lines = LabProcess.Run(btmon, ["-r", capture], TimeSpan.FromSeconds(120)).StandardOutput.Split('\n');
        var story = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!HciStoryRegex().IsMatch(lines[i])) continue;
            story.AddRange(lines.Skip(i).Take(4).Select(l => l.TrimEnd()));
        }
        string text = string.Join('\n', story);
        return $"--- {adapter} HCI (advertising/scanning) ---\n{(text.Length > 6000 ? text[^6000..] : text)}\n";
    }

    [GeneratedRegex(@"(Advertising|Scan) (Enable|Parameters)|Advertising Report|Advertising Data|Start Discovery|Stop Discovery|Add Advertising|Remove Advertising|Disconnect")]
    private static partial Regex HciStoryRegex();

    internal static string Format(ulong address) => string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(address >> (8 * (5 - i)))).ToString("X2", CultureInfo.InvariantCulture)));

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;

    [GeneratedRegex(@"Company: [^\n]*\(89\)\s*\n\s*Data: 010203")]
    private static partial Regex CompanyRegex();
}
