using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Tests.Advertising;

/// <summary>
/// LeAdvertisement against a fake kernel: the extended pair (Add Extended Advertising Parameters/Data) when Read
/// Management Supported Commands lists it, Add Advertising otherwise, and no instance left behind when a start fails.
/// Expected parameter octets written from BlueZ doc/mgmt-api.txt.
/// </summary>
public class LeAdvertisementExtendedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Num_Of_Commands 3 (Add Advertising, Add Ext Adv Params, Add Ext Adv Data) | Num_Of_Events 0
    private static readonly byte[] WithExtended = [0x03, 0x00, 0x00, 0x00, 0x3E, 0x00, 0x54, 0x00, 0x55, 0x00];
    // Num_Of_Commands 1 (Add Advertising) | Num_Of_Events 0
    private static readonly byte[] WithoutExtended = [0x01, 0x00, 0x00, 0x00, 0x3E, 0x00];

    private static FakeMgmtTransport Kernel(byte[] supported, byte[] paramsReturn, MgmtStatus dataStatus = MgmtStatus.Success,
        MgmtSettings controller = MgmtSettings.Powered | MgmtSettings.LowEnergy)
    {
        var fake = new FakeMgmtTransport();
        fake.Responder = p => [p.Code switch
        {
            MgmtOpcode.MGMT_OP_READ_INFO => FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success,
                Mgmt.MgmtCodecTests.ControllerInfoBytes(0x00AA01000000, "lab", controller)),
            MgmtOpcode.MGMT_OP_READ_COMMANDS => FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, supported),
            MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS => FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, paramsReturn),
            MgmtOpcode.MGMT_OP_ADD_EXT_ADV_DATA when dataStatus != MgmtStatus.Success => FakeMgmtTransport.Status(p.Code, p.Index, dataStatus),
            _ => FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, p.Parameters.Span[0]),
        }];
        return fake;
    }

    private static List<MgmtPacket> Drain(FakeMgmtTransport fake)
    {
        var sent = new List<MgmtPacket>();
        while (fake.Sent.Reader.TryRead(out var p)) sent.Add(p);
        return sent;
    }

    [Fact]
    public async Task Extended_pair_carries_interval_and_tx_power_and_reports_the_selected_power()
    {
        // Instance 1 | TxPower 0xFC (-4 dBm, below the -2 asked) | MaxAdvDataLen 28 | MaxScanRspLen 31
        var fake = Kernel(WithExtended, [0x01, 0xFC, 0x1C, 0x1F]);
        await using var client = new MgmtClient(fake);
        var options = new LeAdvertisementOptions
        {
            Name = "A",
            ServiceUuids = [BluetoothUuid.FromShort(0x180F)],
            MinInterval = TimeSpan.FromMilliseconds(100),
            MaxInterval = TimeSpan.FromMilliseconds(150),
            TxPower = -2,
        };
        await using (var adv = await LeAdvertisement.StartAsync(client, 0, options, cancellationToken: Ct))
        {
            Assert.Equal(LeAdvertisingCommands.AddExtendedAdvertising, adv.Commands);
            Assert.Equal((sbyte)-4, adv.SelectedTxPower);
            Assert.Equal(1, adv.Instance);
        }
        var sent = Drain(fake);
        Assert.Equal(new ushort[] { 0x0002, 0x0054, 0x0055, 0x003F }, sent.Select(p => p.Code));
        // Instance 1 | Flags 0x0000C003 | Duration 0 | Timeout 0 | Min 0x000000A0 (100 ms) | Max 0x000000F0 (150 ms) | TxPower 0xFE
        Assert.Equal([0x01, 0x03, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x00, 0x00, 0x00, 0xF0, 0x00, 0x00, 0x00, 0xFE],
            sent[1].Parameters.ToArray());
        // Instance 1 | AD length 7 | scan response 0 | 03 03 0F 18 | 02 09 'A'
        Assert.Equal([0x01, 0x07, 0x00, 0x03, 0x03, 0x0F, 0x18, 0x02, 0x09, 0x41], sent[2].Parameters.ToArray());
        Assert.Equal([0x01], sent[3].Parameters.ToArray());
    }

    [Fact]
    public async Task Extended_pair_without_interval_or_power_sets_only_the_flags_it_needs()
    {
        // TxPower 127: the controller selected none (legacy advertising HCI).
        var fake = Kernel(WithExtended, [0x02, 0x7F, 0x1C, 0x1F]);
        await using var client = new MgmtClient(fake);
        var name = new string('n', 27);   // 29 octets as an AD structure: moves to the scan response
        await using (var adv = await LeAdvertisement.StartAsync(client, 0, new LeAdvertisementOptions
        {
            Instance = 2, Name = name, Connectable = false, Timeout = TimeSpan.FromSeconds(30),
        }, cancellationToken: Ct))
        {
            Assert.Null(adv.SelectedTxPower);
            Assert.False(adv.Connectable);
        }
        var sent = Drain(fake);
        Assert.Equal(new ushort[] { 0x0004, 0x0002, 0x0054, 0x0055, 0x003F }, sent.Select(p => p.Code));
        // Instance 2 | Flags 0x00012002 (discoverable, timeout, scan response) | Duration 0 | Timeout 30 | 0 | 0 | 127
        Assert.Equal([0x02, 0x02, 0x20, 0x01, 0x00, 0x00, 0x00, 0x1E, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F], sent[2].Parameters.ToArray());
        Assert.Equal([0x02, 0x00, 29, 28, 0x09], sent[3].Parameters.Span[..5].ToArray());
    }

    // The kernel advertises an instance connectable when its flag is set OR the controller's Connectable setting is on
    // (net/bluetooth/hci_sync.c); LeAdvertisement reports what the kernel will do rather than what was asked.
    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, true)]
    public async Task Connectable_reports_what_the_kernel_advertises_given_the_controllers_connectable_setting(bool asked, bool setting, bool expected)
    {
        var controller = MgmtSettings.Powered | MgmtSettings.LowEnergy | (setting ? MgmtSettings.Connectable : 0);
        var fake = Kernel(WithExtended, [0x01, 0x7F, 0x1F, 0x1F], controller: controller);
        await using var client = new MgmtClient(fake);
        await using (var adv = await LeAdvertisement.StartAsync(client, 0, new LeAdvertisementOptions { Name = "A", Connectable = asked }, cancellationToken: Ct))
            Assert.Equal(expected, adv.Connectable);
        var sent = Drain(fake);
        // Controller info is read only for a non-connectable request; the instance flag (bit 0) is what was asked.
        Assert.Equal(asked ? 0 : 1, sent.Count(p => p.Code == MgmtOpcode.MGMT_OP_READ_INFO));
        Assert.Equal(asked, (sent.Single(p => p.Code == MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS).Parameters.Span[1] & 0x01) != 0);
    }

    [Fact]
    public async Task Without_the_extended_pair_an_interval_request_throws_and_adds_nothing()
    {
        var fake = Kernel(WithoutExtended, []);
        await using var client = new MgmtClient(fake);
        await Assert.ThrowsAsync<ExtendedAdvertisingNotSupportedException>(() => LeAdvertisement.StartAsync(client, 0,
            new LeAdvertisementOptions { Name = "A", MinInterval = TimeSpan.FromMilliseconds(100) }, cancellationToken: Ct));
        await Assert.ThrowsAsync<ExtendedAdvertisingNotSupportedException>(() => LeAdvertisement.StartAsync(client, 0,
            new LeAdvertisementOptions { Name = "A", TxPower = 0 }, cancellationToken: Ct));
        // Supported commands are read once per client.
        Assert.Equal(new ushort[] { 0x0002 }, Drain(fake).Select(p => p.Code));
    }

    [Fact]
    public async Task Without_the_extended_pair_a_plain_request_falls_back_to_add_advertising()
    {
        var fake = Kernel(WithoutExtended, []);
        await using var client = new MgmtClient(fake);
        await using (var adv = await LeAdvertisement.StartAsync(client, 0, new LeAdvertisementOptions { Name = "A" }, cancellationToken: Ct))
            Assert.Equal(LeAdvertisingCommands.AddAdvertising, adv.Commands);
        Assert.Equal(new ushort[] { 0x0002, 0x003E, 0x003F }, Drain(fake).Select(p => p.Code));
    }

    [Fact]
    public async Task Data_longer_than_the_kernel_allows_throws_and_removes_the_instance()
    {
        // Instance 1 | TxPower 127 | MaxAdvDataLen 5 | MaxScanRspLen 31: "03 03 0F 18" + "02 09 'A'" is 7 octets.
        var fake = Kernel(WithExtended, [0x01, 0x7F, 0x05, 0x1F]);
        await using var client = new MgmtClient(fake);
        var e = await Assert.ThrowsAsync<AdvertisingDataTooLongException>(() => LeAdvertisement.StartAsync(client, 0,
            new LeAdvertisementOptions { Name = "A", ServiceUuids = [BluetoothUuid.FromShort(0x180F)] }, cancellationToken: Ct));
        Assert.Equal((7, 5), (e.AdvertisingDataLength, e.MaxAdvertisingDataLength));
        var sent = Drain(fake);
        Assert.Equal(new ushort[] { 0x0002, 0x0054, 0x003F }, sent.Select(p => p.Code));
        Assert.Equal([0x01], sent[2].Parameters.ToArray());
    }

    [Fact]
    public async Task A_refused_data_command_removes_the_instance_the_parameters_added()
    {
        var fake = Kernel(WithExtended, [0x03, 0x7F, 0x1F, 0x1F], MgmtStatus.Busy);
        await using var client = new MgmtClient(fake);
        var e = await Assert.ThrowsAsync<MgmtException>(() => LeAdvertisement.StartAsync(client, 0,
            new LeAdvertisementOptions { Instance = 3, Name = "A" }, cancellationToken: Ct));
        Assert.Equal(MgmtStatus.Busy, e.Status);
        var sent = Drain(fake);
        Assert.Equal(new ushort[] { 0x0002, 0x0054, 0x0055, 0x003F }, sent.Select(p => p.Code));
        Assert.Equal([0x03], sent[3].Parameters.ToArray());
    }

    [Theory]
    [InlineData(200.0, 100.0, null)]    // Min > Max
    [InlineData(10.0, null, null)]      // under 20 ms
    [InlineData(null, null, 21)]        // over +20 dBm
    [InlineData(null, null, -128)]      // under -127 dBm
    public async Task Bad_intervals_or_power_throw_before_anything_is_sent(double? minMs, double? maxMs, int? txPower)
    {
        var fake = Kernel(WithExtended, [0x01, 0x7F, 0x1F, 0x1F]);
        await using var client = new MgmtClient(fake);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LeAdvertisement.StartAsync(client, 0, new LeAdvertisementOptions
        {
            MinInterval = minMs is { } a ? TimeSpan.FromMilliseconds(a) : null,
            MaxInterval = maxMs is { } b ? TimeSpan.FromMilliseconds(b) : null,
            TxPower = (sbyte?)txPower,
        }, cancellationToken: Ct));
        Assert.Empty(Drain(fake));
    }
}
