using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>GATT client procedures (Core 5.4 Vol 3 Part G §4) against a scripted ATT server at the default MTU of 23.</summary>
public class GattClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Primary_service_discovery_walks_until_attribute_not_found()
    {
        var (gatt, peer) = Start();
        var services = gatt.DiscoverPrimaryServicesAsync(cancellationToken: Ct);
        Assert.Equal([0x10, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28], await peer.NextAsync());
        peer.Send(0x11, 0x06, 0x01, 0x00, 0x05, 0x00, 0x00, 0x18, 0x06, 0x00, 0x09, 0x00, 0x0F, 0x18);
        Assert.Equal([0x10, 0x0A, 0x00, 0xFF, 0xFF, 0x00, 0x28], await peer.NextAsync());
        peer.Send(0x01, 0x10, 0x0A, 0x00, 0x0A);
        var list = await services;
        Assert.Equal([new GattService(BluetoothUuid.FromShort(0x1800), 1, 5), new GattService(BluetoothUuid.FromShort(0x180F), 6, 9)], list);
    }

    [Fact]
    public async Task Characteristic_discovery_ends_each_at_the_next_declaration()
    {
        var (gatt, peer) = Start();
        var chars = gatt.DiscoverCharacteristicsAsync(new GattService(BluetoothUuid.FromShort(0x180F), 6, 9), Ct);
        Assert.Equal([0x08, 0x06, 0x00, 0x09, 0x00, 0x03, 0x28], await peer.NextAsync());
        peer.Send(0x09, 0x07, 0x07, 0x00, 0x12, 0x08, 0x00, 0x19, 0x2A);   // Battery Level: read|notify, value 0x0008
        Assert.Equal([0x08, 0x08, 0x00, 0x09, 0x00, 0x03, 0x28], await peer.NextAsync());
        peer.Send(0x01, 0x08, 0x08, 0x00, 0x0A);
        var c = Assert.Single(await chars);
        Assert.Equal(new GattCharacteristic(BluetoothUuid.FromShort(0x2A19), 7, GattCharacteristicProperties.Read | GattCharacteristicProperties.Notify, 8, 9), c);

        var descriptors = gatt.DiscoverDescriptorsAsync(c, Ct);
        Assert.Equal([0x04, 0x09, 0x00, 0x09, 0x00], await peer.NextAsync());
        peer.Send(0x05, 0x01, 0x09, 0x00, 0x02, 0x29);
        Assert.Equal(new GattDescriptor(GattUuids.ClientCharacteristicConfiguration, 9), Assert.Single(await descriptors));
    }

    [Fact]
    public async Task Long_read_continues_with_read_blob_at_each_offset()
    {
        var (gatt, peer) = Start();
        var read = gatt.ReadAsync(0x0003, Ct);
        Assert.Equal([0x0A, 0x03, 0x00], await peer.NextAsync());
        peer.Send([0x0B, .. Enumerable.Range(0, 22).Select(i => (byte)i)]);          // ATT_MTU − 1 octets: maybe more
        Assert.Equal([0x0C, 0x03, 0x00, 0x16, 0x00], await peer.NextAsync());        // offset 22
        peer.Send(0x0D, 22, 23, 24);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (byte)i), await read);
    }

    [Fact]
    public async Task Long_write_prepares_parts_of_mtu_minus_5_and_executes()
    {
        var (gatt, peer) = Start();
        var value = Enumerable.Range(0, 30).Select(i => (byte)i).ToArray();
        var write = gatt.WriteAsync(0x0010, value, Ct);
        foreach (var (offset, length) in new[] { (0, 18), (18, 12) })
        {
            var req = await peer.NextAsync();
            Assert.Equal([0x16, 0x10, 0x00, (byte)offset, 0x00, .. value.AsSpan(offset, length)], req);
            peer.Send([0x17, .. req[1..]]);
        }
        Assert.Equal([0x18, 0x01], await peer.NextAsync());
        peer.Send(0x19);
        await write;
    }

    [Fact]
    public async Task Subscribers_share_one_cccd_write_and_the_last_dispose_clears_it()
    {
        var (gatt, peer) = Start();
        var c = new GattCharacteristic(BluetoothUuid.FromShort(0x2A37), 0x20, GattCharacteristicProperties.Notify, 0x21, 0x22);
        var a = new List<byte>();
        var b = new List<byte>();
        var twoEach = new TaskCompletionSource();
        void Check() { lock (a) if (a.Count == 2 && b.Count == 2) twoEach.TrySetResult(); }
        var subA = gatt.Subscribe(c, 0x22).Subscribe(v => { lock (a) a.Add(v.Span[0]); Check(); });
        Assert.Equal([0x12, 0x22, 0x00, 0x01, 0x00], await peer.NextAsync());        // CCCD ← notifications
        var subB = gatt.Subscribe(c, 0x22).Subscribe(v => { lock (a) b.Add(v.Span[0]); Check(); });
        peer.Send(0x13);
        peer.Send(0x1B, 0x21, 0x00, 0x48);
        peer.Send(0x1B, 0x30, 0x00, 0x99);                                             // another handle: not ours
        peer.Send(0x1B, 0x21, 0x00, 0x49);
        await twoEach.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal([0x48, 0x49], a);
        Assert.Equal([0x48, 0x49], b);
        subA.Dispose();
        await Task.Delay(200, Ct);   // an absence cannot be awaited
        Assert.False(peer.HasNext, "CCCD cleared while a subscriber remained");
        subB.Dispose();
        Assert.Equal([0x12, 0x22, 0x00, 0x00, 0x00], await peer.NextAsync());        // CCCD ← 0
    }

    private static (GattClient, ScriptedPeer) Start()
    {
        var peer = new ScriptedPeer();
        var bearer = new AttBearer(peer);
        bearer.Start();
        return (new GattClient(bearer), peer);
    }
}
