using ShortRange.Devices;

namespace ShortRange.Core.Tests;

public class BluetoothDeviceAddressTests
{
    [Fact]
    public void Parse_and_format_round_trip()
    {
        var a = BluetoothDeviceAddress.Parse("00:1A:7D:DA:71:13");
        Assert.Equal(0x001A7DDA7113UL, a.Value);
        Assert.Equal("00:1A:7D:DA:71:13", a.ToString());
        Span<byte> le = stackalloc byte[6];
        a.WriteLittleEndian(le);
        Assert.Equal(new byte[] { 0x13, 0x71, 0xDA, 0x7D, 0x1A, 0x00 }, le.ToArray());
        Assert.Equal(a.Value, BluetoothDeviceAddress.FromLittleEndian(le));
    }
}
