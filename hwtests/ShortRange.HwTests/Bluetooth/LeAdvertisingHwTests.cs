using System.Buffers.Binary;
using System.Globalization;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our LE advertisement (mgmt Add Advertising) seen by BlueZ's own scanner: <c>btmgmt find -l</c> on the other
/// controller reports it with our name, and btmon decodes the advertising reports that controller received into our
/// name, service UUID and manufacturer data. Disposal removes the instance (Read Advertising Features counts none).
/// The peer scans first (see <see cref="LeAdvertisingLab"/> for why).
/// </summary>
public sealed class LeAdvertisingHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Btmgmt_find_and_btmon_see_our_name_uuid_and_manufacturer_data_until_dispose()
    {
        await using var lab = await LeAdvertisingLab.OpenAsync("adv", Ct);
        await ReportExtendedAdvertisingSupportAsync(lab.Mgmt, lab.LocalIndex);

        string name = "SR-adv-" + (Environment.ProcessId % 1000).ToString(CultureInfo.InvariantCulture);
        var find = await lab.StartPeerFindAsync(Ct);
        await using (var adv = await LeAdvertisement.StartAsync(lab.Mgmt, lab.LocalIndex, new LeAdvertisementOptions
        {
            Name = name,
            ServiceUuids = [BluetoothUuid.FromShort(0x180F)],
            ManufacturerData = new Dictionary<ushort, byte[]> { [0x0059] = [0x01, 0x02, 0x03] },
        }, cancellationToken: Ct))
        {
            Assert.Equal(1, await lab.InstanceCountAsync(Ct));
            var result = await find.WaitAsync(TimeSpan.FromSeconds(120), Ct);
            if (!lab.Found(result, name)) Assert.Fail(result + "\n" + lab.HciStory());
        }
        Assert.Equal(0, await lab.InstanceCountAsync(Ct));

        string text = lab.DecodePeer();
        Assert.True(text.Contains("Name (complete): " + name, StringComparison.Ordinal), "btmon saw no advertising report with our name:\n" + LeAdvertisingLab.Tail(text));
        Assert.True(text.Contains("(0x180f)", StringComparison.OrdinalIgnoreCase), "btmon saw no 0x180F service UUID:\n" + LeAdvertisingLab.Tail(text));
        Assert.True(LeAdvertisingLab.HasManufacturerData(text, 0x0059, [0x01, 0x02, 0x03]), "btmon saw no manufacturer data 0x0059 01 02 03:\n" + LeAdvertisingLab.Tail(text));
        TestContext.Current.SendDiagnosticMessage($"btmgmt find -l and btmon saw {name}, 0x180F and company 0x0059 data 010203");
        Console.WriteLine($"@@LEADV btmgmt find -l (started first) and btmon saw {name}, 0x180F and company 0x0059 data 010203");
    }

    // Whether the kernel offers mgmt Add Extended Advertising Parameters/Data (0x0054/0x0055; mgmt-api.txt) and what
    // Read Advertising Features says the controller supports, reported; LeAdvertisement takes the extended pair when
    // the kernel lists it (LeAdvertisingExtendedHwTests checks the HCI that becomes).
    private static async Task ReportExtendedAdvertisingSupportAsync(MgmtClient mgmt, ushort index)
    {
        var supported = await mgmt.ReadSupportedCommandsAsync(Ct);
        var features = await mgmt.SendCommandAsync(MgmtOpcode.MGMT_OP_READ_ADV_FEATURES, index, ReadOnlyMemory<byte>.Empty, Ct);
        string line = $"mgmt: Add Ext Adv Params 0x0054 {(supported.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS) ? "listed" : "absent")}, " +
            $"Add Ext Adv Data 0x0055 {(supported.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_DATA) ? "listed" : "absent")}; hci{index} supported adv flags " +
            $"0x{BinaryPrimitives.ReadUInt32LittleEndian(features.Span):X8}, max instances {features.Span[6]}";
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@LEADV " + line);
    }
}
