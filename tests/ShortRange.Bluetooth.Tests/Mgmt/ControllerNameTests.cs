using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Tests.Mgmt;

public class ControllerNameTests
{
    [Theory]
    [InlineData("hci0", 0)]
    [InlineData("hci1", 1)]
    [InlineData("hci65535", 65535)]
    public void Kernel_names_map_to_their_mgmt_index_and_back(string name, int index)
    {
        Assert.True(ControllerName.TryParseIndex(name, out var parsed));
        Assert.Equal(index, parsed);
        Assert.Equal(name, ControllerName.Format((ushort)index));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hci")]
    [InlineData("HCI0")]
    [InlineData("hci-1")]
    [InlineData("hci+1")]
    [InlineData("hci 1")]
    [InlineData("hci65536")]
    [InlineData("wpan0")]
    public void Anything_else_is_not_a_controller_name(string? name)
    {
        Assert.False(ControllerName.TryParseIndex(name, out _));
        if (name is not null)
            Assert.Contains($"'{name}'", Assert.Throws<ArgumentException>(() => ControllerName.ParseIndex(name)).Message, StringComparison.Ordinal);
    }
}
