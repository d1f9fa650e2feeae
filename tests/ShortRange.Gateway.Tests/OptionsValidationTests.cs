using ShortRange.Gateway;
using ShortRange.Gateway.Options;

namespace ShortRange.Gateway.Tests;

/// <summary>Bad configuration → one GatewayConfigurationException at start-up naming the setting by its configuration path.</summary>
public sealed class OptionsValidationTests
{
    private static GatewayConfigurationException BuildFails(params (string Key, string Value)[] settings)
    {
        var overrides = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        return Assert.Throws<GatewayConfigurationException>(() => GatewayHost.Build([], overrides).Dispose());
    }

    [Fact]
    public void The_shipped_appsettings_and_the_defaults_are_valid()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")), "appsettings.json is copied beside the binary");
        using var host = GatewayHost.Build([]);
        Assert.NotNull(host);
    }

    [Theory]
    [InlineData("Gateway:Mqtt:Port", "0", "Gateway:Mqtt:Port must be 1–65535 (was '0').")]
    [InlineData("Gateway:Mqtt:Port", "65536", "Gateway:Mqtt:Port must be 1–65535 (was '65536').")]
    [InlineData("Gateway:Mqtt:Host", "bad host!", "Gateway:Mqtt:Host must be a host name or IP address (was 'bad host!').")]
    [InlineData("Gateway:Mqtt:TopicPrefix", "site/+/gw", "Gateway:Mqtt:TopicPrefix must be a non-empty topic")]
    [InlineData("Gateway:Mqtt:TopicPrefix", "site/", "Gateway:Mqtt:TopicPrefix must be a non-empty topic")]
    [InlineData("Gateway:Mqtt:BufferCapacity", "0", "Gateway:Mqtt:BufferCapacity must be 1–1000000 (was '0').")]
    [InlineData("Gateway:Mqtt:ReconnectMinDelay", "00:00:00", "Gateway:Mqtt:ReconnectMinDelay must be positive")]
    [InlineData("Gateway:Mqtt:ReconnectMaxDelay", "00:00:00.1", "Gateway:Mqtt:ReconnectMaxDelay must be at least Mqtt:ReconnectMinDelay")]
    [InlineData("Gateway:LowPan:UdpPort", "70000", "Gateway:LowPan:UdpPort must be 1–65535 (was '70000').")]
    [InlineData("Gateway:LowPan:Interface", "a-name-longer-than-ifnamsiz", "Gateway:LowPan:Interface must be an interface name")]
    [InlineData("Gateway:LowPan:Addresses:0", "fe80::1", "Gateway:LowPan:Addresses:0 must be a global or unique-local IPv6 address (was 'fe80::1').")]
    [InlineData("Gateway:LowPan:Addresses:0", "192.0.2.1", "Gateway:LowPan:Addresses:0 must be a global or unique-local IPv6 address")]
    [InlineData("Gateway:Nfc:Device", "hci0", "Gateway:Nfc:Device must be an NFC device name like nfc0 (was 'hci0').")]
    [InlineData("Gateway:Metrics:PrometheusUrl", "https://localhost:9464/", "Gateway:Metrics:PrometheusUrl must be an http:// URL ending in '/'")]
    public void A_bad_setting_is_named_in_the_one_start_up_error(string key, string value, string expected)
    {
        var extra = key.StartsWith("Gateway:Nfc", StringComparison.Ordinal) ? ("Gateway:Nfc:Enabled", "true")
            : key.StartsWith("Gateway:Metrics", StringComparison.Ordinal) ? ("Gateway:Metrics:Exporter", "Prometheus")
            : ("Gateway:Id", "gw");
        var e = BuildFails((key, value), extra);
        string failure = Assert.Single(e.Failures);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway:Gatt:Devices:0:Address", "C0:11:22:33:44", "Gateway:Gatt:Devices:0:Address must be a Bluetooth address AA:BB:CC:DD:EE:FF (was 'C0:11:22:33:44').")]
    [InlineData("Gateway:Gatt:Devices:0:AddressType", "static", "Gateway:Gatt:Devices:0:AddressType must be 'public' or 'random' (was 'static').")]
    [InlineData("Gateway:Gatt:Devices:0:Characteristics:0", "battery", "Gateway:Gatt:Devices:0:Characteristics:0 must be a 16-bit (2a37) or 128-bit UUID (was 'battery').")]
    [InlineData("Gateway:Gatt:Devices:0:Characteristics:0", "2a1", "Gateway:Gatt:Devices:0:Characteristics:0 must be a 16-bit (2a37) or 128-bit UUID (was '2a1').")]
    [InlineData("Gateway:Gatt:Adapter", "nfc0", "Gateway:Gatt:Adapter must be empty or a controller name like hci0 (was 'nfc0').")]
    public void A_bad_gatt_device_setting_is_named(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string>
        {
            ["Gateway:Gatt:Devices:0:Address"] = "C0:11:22:33:44:55",
            ["Gateway:Gatt:Devices:0:Characteristics:0"] = "0x2A19",
            [key] = value,
        };
        var e = BuildFails([.. settings.Select(kv => (kv.Key, kv.Value))]);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gatt_device_without_characteristics_is_named()
    {
        var e = BuildFails(("Gateway:Gatt:Devices:0:Address", "C0:11:22:33:44:55"));
        Assert.Contains("Gateway:Gatt:Devices:0:Characteristics must list at least one characteristic UUID", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2a19", "00002a19-0000-1000-8000-00805f9b34fb")]
    [InlineData("0x2A37", "00002a37-0000-1000-8000-00805f9b34fb")]
    [InlineData("5352c001-7c1a-4f6e-9a51-0f3b6a2d8e01", "5352c001-7c1a-4f6e-9a51-0f3b6a2d8e01")]
    public void Characteristic_uuids_take_the_16_bit_and_the_128_bit_form(string text, string expected)
    {
        Assert.True(GattDeviceSettings.TryParseUuid(text, out var uuid));
        Assert.Equal(new Guid(expected), uuid);
    }

    [Fact]
    public void Every_bad_setting_is_listed_not_only_the_first()
    {
        var e = BuildFails(("Gateway:Mqtt:Port", "0"), ("Gateway:LowPan:UdpPort", "0"), ("Gateway:Mqtt:BufferCapacity", "-5"));
        Assert.Equal(3, e.Failures.Count);
        Assert.Contains(e.Failures, f => f.StartsWith("Gateway:Mqtt:Port ", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Gateway:LowPan:UdpPort ", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Gateway:Mqtt:BufferCapacity ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Gateway:Mqtt:Port", "abc")]
    [InlineData("Gateway:Mqtt:ReconnectMaxDelay", "soon")]
    [InlineData("Gateway:Metrics:Exporter", "Graphite")]
    public void A_value_that_does_not_parse_names_its_setting(string key, string value)
    {
        var e = BuildFails((key, value));
        string failure = Assert.Single(e.Failures);
        Assert.Contains($"'{key}'", failure, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_module_is_not_validated()
    {
        using var host = GatewayHost.Build([], new Dictionary<string, string?>
        {
            ["Gateway:LowPan:Enabled"] = "false", ["Gateway:LowPan:UdpPort"] = "0",
            ["Gateway:Nfc:Enabled"] = "false", ["Gateway:Nfc:Device"] = "x",
        });
        Assert.NotNull(host);
    }
}
