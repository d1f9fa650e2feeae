using ShortRange.Bluetooth.Advertising;

namespace ShortRange.Bluetooth.Tests.Advertising;

public class AdvertisingDataParserTests
{
    [Fact]
    public void Core_spec_eir_example_name_and_uuid16_list()
    {
        // Core Vol 3 Part C §8.1.6 style example: Complete Local Name "Phone", Complete 16-bit UUIDs 0x1105 0x1106, padding.
        byte[] eir = [0x06, 0x09, (byte)'P', (byte)'h', (byte)'o', (byte)'n', (byte)'e', 0x05, 0x03, 0x05, 0x11, 0x06, 0x11, 0x00, 0x00, 0x00];
        var d = AdvertisingDataParser.Parse(eir);
        Assert.Equal("Phone", d.Name);
        Assert.Equal(new[] { BluetoothUuid.FromShort(0x1105), BluetoothUuid.FromShort(0x1106) }, d.ServiceUuids);
        Assert.False(d.ServiceUuidsIncomplete);
    }

    [Fact]
    public void Base_uuid_expansion() =>
        Assert.Equal(Guid.Parse("0000180d-0000-1000-8000-00805f9b34fb"), BluetoothUuid.FromShort(0x180D));

    [Fact]
    public void Le_advertisement_all_field_kinds()
    {
        var u128 = Guid.Parse("6e400001-b5a3-f393-e0a9-e50e24dcca9e");
        var le = new byte[16];
        BluetoothUuid.WriteLittleEndian128(u128, le);
        byte[] ad =
        [
            0x02, 0x01, 0x06,                   // flags: LE general discoverable, BR/EDR not supported
            0x03, 0x02, 0x0D, 0x18,             // incomplete 16-bit: heart rate
            0x05, 0x05, 0x78, 0x56, 0x34, 0x12, // complete 32-bit
            0x11, 0x07, .. le,                  // complete 128-bit
            0x04, 0x08, (byte)'H', (byte)'R', (byte)'M',
            0x02, 0x0A, 0xF8,                   // tx power -8 dBm
            0x03, 0x19, 0x41, 0x03,             // appearance 0x0341 heart rate belt
            0x04, 0x0D, 0x04, 0x05, 0x24,       // class of device
            0x05, 0xFF, 0x4C, 0x00, 0x02, 0x15, // manufacturer Apple 0x004C
            0x05, 0x16, 0x0F, 0x18, 0x55, 0x66, // service data battery 0x180F
        ];
        var d = AdvertisingDataParser.Parse(ad, 4);
        Assert.Equal((byte)0x06, d.Flags);
        Assert.True(d.ServiceUuidsIncomplete);
        Assert.Equal(new[] { BluetoothUuid.FromShort(0x180D), BluetoothUuid.FromShort(0x12345678), u128 }, d.ServiceUuids);
        Assert.Equal("HRM", d.ShortName);
        Assert.Equal("HRM", d.Name);
        Assert.Equal((sbyte)-8, d.TxPower);
        Assert.Equal((ushort)0x0341, d.Appearance);
        Assert.Equal(0x240504u, d.ClassOfDevice);
        Assert.Equal(new byte[] { 0x02, 0x15 }, d.ManufacturerData[0x004C]);
        Assert.Equal(new byte[] { 0x55, 0x66 }, d.ServiceData[BluetoothUuid.FromShort(0x180F)]);
        Assert.Equal(4u, d.MgmtFlags);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x09, 0x41 })]          // runs past the end
    [InlineData(new byte[] { 0x03, 0x03, 0x05, 0x11, 0x02 })] // odd-length uuid16 list (len 3 -> 2 data, ok) then truncated structure
    [InlineData(new byte[] { 0x02, 0x03, 0x05 })]          // uuid16 list with one byte
    [InlineData(new byte[] { 0x03, 0x0A, 0x01, 0x02 })]    // tx power of two bytes
    [InlineData(new byte[] { 0x02, 0xFF, 0x4C })]          // manufacturer data without company id
    public void Malformed_data_throws_typed_exception(byte[] ad) =>
        Assert.Throws<AdvertisingDataException>(() => AdvertisingDataParser.Parse(ad));

    [Fact]
    public void Unknown_types_are_skipped_and_equality_is_by_bytes()
    {
        byte[] ad = [0x03, 0x42, 0x01, 0x02, 0x02, 0x09, (byte)'x'];
        var a = AdvertisingDataParser.Parse(ad);
        Assert.Equal("x", a.Name);
        Assert.Equal(a, AdvertisingDataParser.Parse(ad.ToArray()));
        Assert.NotEqual(a, AdvertisingDataParser.Parse(ad, 1));
        Assert.Equal(a.GetHashCode(), AdvertisingDataParser.Parse(ad.ToArray()).GetHashCode());
    }

    [Fact]
    public void Random_input_never_throws_anything_but_the_typed_exception()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 5000; i++)
        {
            var buf = new byte[rng.Next(0, 40)];
            rng.NextBytes(buf);
            try { AdvertisingDataParser.Parse(buf); }
            catch (AdvertisingDataException) { }
        }
    }
}
