using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Tests.Advertising;

/// <summary>
/// AD structures as Core Vol 3 Part C §11 lays them out (Length | AD Type | Data) with the formats of the Core
/// Specification Supplement Part A §1; expected octets written from those tables. Add Advertising parameters as
/// BlueZ's doc/mgmt-api.txt lists them.
/// </summary>
public class AdvertisingDataBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Guid Custom = Guid.Parse("12345678-1234-5678-1234-56789abcdef0");

    [Fact]
    public void Structures_follow_the_supplements_formats()
    {
        var ad = new AdvertisingDataBuilder()
            .Flags(0x06)
            .CompleteName("SR")
            .ServiceUuids([BluetoothUuid.FromShort(0x180F), BluetoothUuid.FromShort(0x180D)])
            .ManufacturerData(0x0059, [0x01, 0x02])
            .Build();
        Assert.Equal(
            [0x02, 0x01, 0x06,
             0x03, 0x09, (byte)'S', (byte)'R',
             0x05, 0x03, 0x0F, 0x18, 0x0D, 0x18,
             0x05, 0xFF, 0x59, 0x00, 0x01, 0x02], ad);
    }

    [Fact]
    public void A_128_bit_uuid_goes_little_endian_in_its_own_list()
    {
        var ad = new AdvertisingDataBuilder().ServiceUuids([Custom]).Build();
        Assert.Equal([0x11, 0x07, 0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12], ad);
    }

    [Fact]
    public void Service_data_and_appearance()
    {
        var ad = new AdvertisingDataBuilder().ServiceData(BluetoothUuid.FromShort(0x180F), [0x64]).Appearance(0x03C0).Build();
        Assert.Equal([0x04, 0x16, 0x0F, 0x18, 0x64, 0x03, 0x19, 0xC0, 0x03], ad);
    }

    [Fact]
    public void Data_past_the_limit_is_refused_with_a_typed_exception()
    {
        var b = new AdvertisingDataBuilder().CompleteName(new string('x', 30));   // 32 octets
        Assert.Throws<AdvertisingDataException>(() => b.Build());
        Assert.Equal(32, b.Build(255).Length);
        Assert.Throws<AdvertisingDataException>(() => new AdvertisingDataBuilder().Add(0xFF, new byte[255]));
    }

    [Fact]
    public void Layout_moves_the_name_to_the_scan_response_when_the_advertising_data_is_full()
    {
        // 28 octets are left beside the kernel's Flags structure: 18 (128-bit UUID) + 7 (manufacturer) = 25, no room for the name.
        var options = new LeAdvertisementOptions
        {
            Name = "Sensor",
            ServiceUuids = [Custom],
            ManufacturerData = new Dictionary<ushort, byte[]> { [0xFFFF] = [1, 2, 3] },
        };
        var (ad, scan) = LeAdvertisement.Layout(options);
        Assert.Equal(25, ad.Length);
        Assert.Equal([0x07, 0x09, .. "Sensor"u8.ToArray()], scan);

        var (small, none) = LeAdvertisement.Layout(new LeAdvertisementOptions { Name = "Sensor", ServiceUuids = [BluetoothUuid.FromShort(0x180F)] });
        Assert.Equal([0x03, 0x03, 0x0F, 0x18, 0x07, 0x09, .. "Sensor"u8.ToArray()], small);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Add_advertising_parameters_and_remove_on_dispose()
    {
        var fake = new FakeMgmtTransport();
        // A kernel without the extended pair: Read Management Supported Commands lists nothing.
        fake.Responder = p => [p.Code == MgmtOpcode.MGMT_OP_READ_COMMANDS
            ? FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 0x00, 0x00, 0x00, 0x00)
            : FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 0x01)];
        await using var client = new MgmtClient(fake);
        var options = new LeAdvertisementOptions { Name = "A", Connectable = true, Discoverable = true, Timeout = TimeSpan.FromSeconds(10) };
        await using (var adv = await LeAdvertisement.StartAsync(client, 0, options, cancellationToken: Ct))
        {
            Assert.Equal(1, adv.Instance);
            Assert.Equal(LeAdvertisingCommands.AddAdvertising, adv.Commands);
            Assert.Null(adv.SelectedTxPower);
            Assert.Equal(MgmtOpcode.MGMT_OP_READ_COMMANDS, (await fake.Sent.Reader.ReadAsync(Ct)).Code);
            var add = await fake.Sent.Reader.ReadAsync(Ct);
            Assert.Equal(0x003E, add.Code);
            // Instance 1 | Flags 0x00000003 (connectable, discoverable) | Duration 0 | Timeout 10 | 3 | 0 | 02 09 'A'
            Assert.Equal([0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x03, 0x00, 0x02, 0x09, (byte)'A'], add.Parameters.ToArray());
        }
        var remove = await fake.Sent.Reader.ReadAsync(Ct);
        Assert.Equal(0x003F, remove.Code);
        Assert.Equal([0x01], remove.Parameters.ToArray());
    }

    [Fact]
    public async Task Dispose_tolerates_an_instance_the_kernel_already_removed()
    {
        var fake = new FakeMgmtTransport();
        fake.Responder = p => [p.Code switch
        {
            0x003F => FakeMgmtTransport.Status(p.Code, p.Index, MgmtStatus.InvalidParameters),
            MgmtOpcode.MGMT_OP_READ_COMMANDS => FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 0x00, 0x00, 0x00, 0x00),
            _ => FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 0x02),
        }];
        await using var client = new MgmtClient(fake);
        var adv = await LeAdvertisement.StartAsync(client, 0, new LeAdvertisementOptions { Instance = 2 }, cancellationToken: Ct);
        await adv.DisposeAsync();
        await adv.DisposeAsync();
    }
}
