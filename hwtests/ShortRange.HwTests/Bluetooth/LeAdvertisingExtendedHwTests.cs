using System.Globalization;
using System.Text.RegularExpressions;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our advertisement with an interval and a TX power, added through mgmt Add Extended Advertising Parameters/Data
/// (0x0054/0x0055), which the 6.1 lab kernel lists: <c>btmgmt find -l</c> on the other controller reports our name,
/// btmon on that controller decodes our service UUID and manufacturer data, and btmon on ours shows the kernel handing
/// the controller the interval and TX power we asked for (HCI LE Set Extended Advertising Parameters, Core Vol 4
/// Part E §7.8.53), with the TX power its Command Complete selected equal to the one LeAdvertisement reports.
/// </summary>
public sealed partial class LeAdvertisingExtendedHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 100 ms and 150 ms: 0x00A0 and 0x00F0 slots of 0.625 ms, far from the kernel's default 1.28 s (0x0800).
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100), Max = TimeSpan.FromMilliseconds(150);
    private const sbyte RequestedTxPower = -6;

    // The peer's discovery is started first and our advertisement added once mgmt reports Discovering: btvirt sends an
    // advertising report only when scanning or advertising gets enabled (see LeAdvertisingLab).
    [Fact]
    public async Task Extended_advertising_carries_our_interval_and_tx_power_and_is_seen_by_btmgmt_find()
    {
        await using var lab = await LeAdvertisingLab.OpenAsync("extadv", Ct);
        var supported = await lab.Mgmt.ReadSupportedCommandsAsync(Ct);
        LabRequire.That(supported.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS) && supported.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_DATA),
            "the lab kernel does not list mgmt Add Extended Advertising Parameters/Data (0x0054/0x0055)");

        string name = "SR-ext-" + (Environment.ProcessId % 1000).ToString(CultureInfo.InvariantCulture);
        var find = await lab.StartPeerFindAsync(Ct);
        LeAdvertisingCommands commands;
        sbyte? selected;
        await using (var adv = await LeAdvertisement.StartAsync(lab.Mgmt, lab.LocalIndex, new LeAdvertisementOptions
        {
            Name = name,
            ServiceUuids = [BluetoothUuid.FromShort(0x180F)],
            ManufacturerData = new Dictionary<ushort, byte[]> { [0x0059] = [0x04, 0x05, 0x06] },
            MinInterval = Min,
            MaxInterval = Max,
            TxPower = RequestedTxPower,
        }, cancellationToken: Ct))
        {
            commands = adv.Commands;
            selected = adv.SelectedTxPower;
            var result = await find.WaitAsync(TimeSpan.FromSeconds(120), Ct);
            if (!lab.Found(result, name)) Assert.Fail("btmgmt find -l did not report our advertisement:\n" + result + "\n" + lab.HciStory());
        }
        Assert.Equal(0, await lab.InstanceCountAsync(Ct));
        Assert.Equal(LeAdvertisingCommands.AddExtendedAdvertising, commands);

        string seen = lab.DecodePeer();
        Assert.True(seen.Contains("Name (complete): " + name, StringComparison.Ordinal), "btmon on the peer saw no report with our name:\n" + Tail(seen));
        Assert.True(seen.Contains("(0x180f)", StringComparison.OrdinalIgnoreCase), "btmon on the peer saw no 0x180F service UUID:\n" + Tail(seen));
        Assert.True(LeAdvertisingLab.HasManufacturerData(seen, 0x0059, [0x04, 0x05, 0x06]), "btmon on the peer saw no manufacturer data 0x0059 04 05 06:\n" + Tail(seen));

        // What the kernel told our controller (btmon's decoding of the HCI command and its Command Complete).
        string hci = lab.DecodeLocal();
        var command = ExtParamsCommandRegex().Match(hci);
        Assert.True(command.Success, "btmon on our controller saw no LE Set Extended Advertising Parameters:\n" + Tail(hci));
        string block = command.Value;
        Assert.Matches(@"Min advertising interval: 100\.000 msec \(0x00a0\)", block);
        Assert.Matches(@"Max advertising interval: 150\.000 msec \(0x00f0\)", block);
        Assert.Matches(@"TX power: -6 dbm \(0xfa\)", block);
        var complete = SelectedTxPowerRegex().Match(hci);
        Assert.True(complete.Success, "no TX power (selected) in the Command Complete:\n" + Tail(hci));
        Assert.Equal(sbyte.Parse(complete.Groups[1].Value, CultureInfo.InvariantCulture), selected);
        // Informational: which PDUs the kernel chose (btmon's Properties lines, e.g. "Use legacy advertising PDUs: ADV_IND").
        string pdus = PduRegex().Match(block) is { Success: true } m ? m.Value.Trim() : "no legacy-PDU property";
        string line = $"hci{lab.LocalIndex} {commands}: interval 100–150 ms (0x00a0–0x00f0) and TX power {RequestedTxPower} dBm in LE Set Extended Advertising Parameters ({pdus}), " +
            $"selected {selected} dBm; btmgmt find -l saw {name}, btmon 0x180F and 0x0059 040506";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@LEEXTADV " + line);
    }

    /// <summary>
    /// A non-connectable advertisement: the kernel advertises an instance connectable when its flag is set OR the
    /// controller's Connectable setting is on (hci_sync.c), so with the setting on (the lab's baseline) it goes out as
    /// ADV_IND and the peer's kernel reports it connectable, and <see cref="LeAdvertisement.Connectable"/> says so; with the
    /// setting off it goes out as ADV_NONCONN_IND and the peer's kernel reports it with Device Found flag 0x04 (Not
    /// Connectable, mgmt-api.txt).
    /// </summary>
    [Fact]
    public async Task Non_connectable_advertising_is_connectable_while_the_controller_is_and_not_connectable_once_it_is_not()
    {
        await using var lab = await LeAdvertisingLab.OpenAsync("ncadv", Ct);
        string stem = "SR-nc" + (Environment.ProcessId % 1000).ToString(CultureInfo.InvariantCulture);
        var seen = new List<string>();
        try
        {
            foreach (bool setting in new[] { true, false })
            {
                await lab.Mgmt.SetConnectableAsync(lab.LocalIndex, setting, Ct);
                string name = stem + (setting ? "-on" : "-off");
                var find = await lab.StartPeerFindAsync(Ct);
                await using (var adv = await LeAdvertisement.StartAsync(lab.Mgmt, lab.LocalIndex,
                    new LeAdvertisementOptions { Name = name, Connectable = false }, cancellationToken: Ct))
                {
                    Assert.Equal(setting, adv.Connectable);
                    var result = await find.WaitAsync(TimeSpan.FromSeconds(120), Ct);
                    var found = DevFound(name).Matches(result.StandardOutput);
                    if (found.Count == 0) Assert.Fail($"btmgmt find -l did not report {name}:\n{result}\n{lab.HciStory()}");
                    string flags = found[0].Groups["flags"].Value;
                    Assert.All(found, m => Assert.Equal(flags, m.Groups["flags"].Value));
                    Assert.Equal(setting ? "0000" : "0004", flags);
                    seen.Add($"Connectable setting {(setting ? "on" : "off")}: {found[0].Groups["type"].Value} {found[0].Groups["address"].Value} flags 0x{flags}");
                }
            }
        }
        finally
        {
            await lab.Mgmt.SetConnectableAsync(lab.LocalIndex, true, Ct);   // the lab's baseline
        }
        string hci = lab.DecodeLocal();
        var pdus = ExtParamsCommandRegex().Matches(hci).Select(m => PduRegex().Match(m.Value).Value.Trim()).ToList();
        Assert.True(pdus.Count >= 2, "btmon on our controller saw fewer than two LE Set Extended Advertising Parameters:\n" + Tail(hci));
        Assert.EndsWith("ADV_IND", pdus[0], StringComparison.Ordinal);
        Assert.EndsWith("ADV_NONCONN_IND", pdus[^1], StringComparison.Ordinal);
        string line = $"non-connectable instance on hci{lab.LocalIndex}: {string.Join("; ", seen)}; btmon: {pdus[0]} then {pdus[^1]}";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@LENCADV " + line);
    }

    // btmgmt (BlueZ tools/btmgmt.c device_found): "hciN dev_found: ADDR type LE Public rssi -60 flags 0x0000 ", "AD flags 0x06 ",
    // "name NAME", each printed on its own line.
    private static Regex DevFound(string name) => new(
        @"dev_found: (?<address>[0-9A-F:]{17}) type (?<type>LE \w+) rssi -?\d+ flags 0x(?<flags>[0-9a-f]{4})\s+AD flags 0x[0-9a-f]{2}\s+name " + Regex.Escape(name) + @"\b");

    private static string Tail(string s) => LeAdvertisingLab.Tail(s);

    // The command (btmon shortens long names in its record line: "LE Set Extended Adve.. (0x08|0x0036)") and its
    // indented parameter lines up to the next record.
    [GeneratedRegex(@"< HCI Command: LE Set Ext[^\n]*\(0x08\|0x0036\)[^\n]*\n(?:[ \t]+[^\n]*\n)+")]
    private static partial Regex ExtParamsCommandRegex();

    [GeneratedRegex(@"\(0x08\|0x0036\) ncmd \d+\s*\n\s*Status: Success \(0x00\)\s*\n\s*TX power \(selected\): (-?\d+) dbm")]
    private static partial Regex SelectedTxPowerRegex();

    [GeneratedRegex(@"Use legacy advertising PDUs[^\n]*")]
    private static partial Regex PduRegex();
}
