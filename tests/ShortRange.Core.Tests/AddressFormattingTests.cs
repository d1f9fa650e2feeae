using ShortRange.Devices;

namespace ShortRange.Core.Tests;

/// <summary>Expected strings are written by hand: EUI-64 as 16 lower-case hex digits, PAN and short address as 4.</summary>
public class Ieee802154DeviceAddressTests
{
    [Fact]
    public void Extended_address_formats_as_eui64_at_pan()
    {
        var a = new Ieee802154DeviceAddress(0xBEEF, null, 0xAAD537F1146F8119);
        Assert.Equal("aad537f1146f8119@beef", a.ToString());
        Assert.Equal(Technology.Ieee802154, a.Technology);
    }

    [Fact]
    public void Short_address_formats_with_leading_zeros()
    {
        Assert.Equal("0001@0023", new Ieee802154DeviceAddress(0x23, 0x0001, null).ToString());
        Assert.Equal("0000000000000001@0000", new Ieee802154DeviceAddress(0, 0xABCD, 1).ToString());
    }

    [Fact]
    public void Address_without_short_or_extended_formats_as_broadcast_short()
    {
        Assert.Equal("ffff@abcd", new Ieee802154DeviceAddress(0xABCD, null, null).ToString());
    }

    [Fact]
    public void Equality_uses_the_extended_address_when_both_have_one_else_pan_and_short()
    {
        Assert.Equal(new Ieee802154DeviceAddress(1, 5, 0x1122334455667788), new Ieee802154DeviceAddress(2, 6, 0x1122334455667788));
        Assert.NotEqual(new Ieee802154DeviceAddress(1, 5, 0x1122334455667788), new Ieee802154DeviceAddress(1, 5, 0x1122334455667789));
        Assert.Equal(new Ieee802154DeviceAddress(1, 5, null), new Ieee802154DeviceAddress(1, 5, null));
        Assert.NotEqual(new Ieee802154DeviceAddress(1, 5, null), new Ieee802154DeviceAddress(2, 5, null));
    }
}

public class NfcDeviceAddressTests
{
    [Fact]
    public void Formats_device_target_and_lower_case_nfcid()
    {
        var a = new NfcDeviceAddress(0, 3, [0x01, 0xFE, 0xA8, 0x83, 0x74, 0xEC, 0x96, 0x36]);
        Assert.Equal("nfc0/target3/01fea88374ec9636", a.ToString());
        Assert.Equal(Technology.Nfc, a.Technology);
    }

    [Fact]
    public void Empty_nfcid_formats_with_a_trailing_slash()
    {
        Assert.Equal("nfc12/target0/", new NfcDeviceAddress(12, 0, []).ToString());
    }

    [Fact]
    public void Equality_compares_nfcid_bytes_not_the_array_reference()
    {
        Assert.Equal(new NfcDeviceAddress(1, 2, [0xAB, 0xCD]), new NfcDeviceAddress(1, 2, [0xAB, 0xCD]));
        Assert.NotEqual(new NfcDeviceAddress(1, 2, [0xAB, 0xCD]), new NfcDeviceAddress(1, 2, [0xAB, 0xCE]));
        Assert.NotEqual(new NfcDeviceAddress(1, 2, [0xAB]), new NfcDeviceAddress(1, 3, [0xAB]));
    }
}
