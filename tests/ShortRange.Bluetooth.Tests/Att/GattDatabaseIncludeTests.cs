using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>
/// Include definitions (Core 5.4 Vol 3 Part G §3.2): value = included service handle, end group handle and the UUID only
/// when it is 16-bit. Database: 1 secondary 0x180F | 2 secondary 128-bit | 3 primary 0xFFF0 | 4 include of 1 | 5 include of 2.
/// </summary>
public class GattDatabaseIncludeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Guid Custom = Guid.Parse("5352a000-0000-4000-8000-00805f9b34fb");

    [Fact]
    public async Task Read_by_type_include_lists_16_bit_includes_then_128_bit_ones_in_separate_responses()
    {
        var db = new GattDatabase();
        var battery = db.AddService(BluetoothUuid.FromShort(0x180F), primary: false);
        var custom = db.AddService(Custom, primary: false);
        var top = db.AddService(BluetoothUuid.FromShort(0xFFF0));
        Assert.Equal(4, top.AddInclude(battery));
        Assert.Equal(5, top.AddInclude(custom));
        Assert.Throws<ArgumentException>(() => top.AddInclude(top));

        var peer = new ScriptedPeer();
        var client = new GattServerClient(db, new BluetoothDeviceAddress(1, BluetoothAddressType.LePublic), () => false, NullLogger.Instance);
        client.Bearer = new AttBearer(peer, client);
        client.Bearer.Start();

        peer.Send(0x08, 0x03, 0x00, 0x05, 0x00, 0x02, 0x28);
        Assert.Equal([0x09, 0x08, 0x04, 0x00, 0x01, 0x00, 0x01, 0x00, 0x0F, 0x18], await peer.NextAsync());
        peer.Send(0x08, 0x05, 0x00, 0x05, 0x00, 0x02, 0x28);
        Assert.Equal([0x09, 0x06, 0x05, 0x00, 0x02, 0x00, 0x02, 0x00], await peer.NextAsync());
        peer.Send(0x10, 0x01, 0x00, 0xFF, 0xFF, 0x01, 0x28);   // secondary services by group type
        Assert.Equal([0x11, 0x06, 0x01, 0x00, 0x01, 0x00, 0x0F, 0x18], await peer.NextAsync());
    }
}
