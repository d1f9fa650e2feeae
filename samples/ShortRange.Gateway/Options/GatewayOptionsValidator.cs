using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Gateway.Options;

/// <summary>
/// Checks every setting once at start-up (ValidateOnStart) and names each bad one by its configuration path, so an operator
/// reads "Gateway:Mqtt:Port must be 1–65535 (was 0)" instead of a socket error minutes later.
/// </summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Fail(string setting, string rule, object? value) =>
            errors.Add($"{GatewayOptions.Section}:{setting} {rule} (was '{value}').");

        if (string.IsNullOrWhiteSpace(options.Id)) Fail("Id", "must not be empty", options.Id);

        var m = options.Mqtt;
        if (string.IsNullOrWhiteSpace(m.Host) || Uri.CheckHostName(m.Host) == UriHostNameType.Unknown)
            Fail("Mqtt:Host", "must be a host name or IP address", m.Host);
        if (m.Port is < 1 or > 65535) Fail("Mqtt:Port", "must be 1–65535", m.Port);
        if (string.IsNullOrEmpty(m.TopicPrefix) || m.TopicPrefix.AsSpan().IndexOfAny("+#\0") >= 0
            || m.TopicPrefix.StartsWith('/') || m.TopicPrefix.EndsWith('/'))
            Fail("Mqtt:TopicPrefix", "must be a non-empty topic without '+', '#' or a leading/trailing '/'", m.TopicPrefix);
        if (m.BufferCapacity is < 1 or > 1_000_000) Fail("Mqtt:BufferCapacity", "must be 1–1000000", m.BufferCapacity);
        if (m.ReconnectMinDelay <= TimeSpan.Zero) Fail("Mqtt:ReconnectMinDelay", "must be positive", m.ReconnectMinDelay);
        if (m.ReconnectMaxDelay < m.ReconnectMinDelay)
            Fail("Mqtt:ReconnectMaxDelay", "must be at least Mqtt:ReconnectMinDelay", m.ReconnectMaxDelay);
        if (m.KeepAlive < TimeSpan.FromSeconds(1) || m.KeepAlive > TimeSpan.FromSeconds(65535))
            Fail("Mqtt:KeepAlive", "must be 1 s–18 h", m.KeepAlive);

        if (options.Discovery.UpdateInterval < TimeSpan.Zero)
            Fail("Discovery:UpdateInterval", "must not be negative", options.Discovery.UpdateInterval);

        var l = options.LowPan;
        if (l.Enabled)
        {
            if (string.IsNullOrWhiteSpace(l.Interface) || l.Interface.Length > 15)
                Fail("LowPan:Interface", "must be an interface name of 1–15 characters", l.Interface);
            if (string.IsNullOrWhiteSpace(l.TunName) || l.TunName.Length > 15)
                Fail("LowPan:TunName", "must be an interface name of 1–15 characters", l.TunName);
            if (l.UdpPort is < 1 or > 65535) Fail("LowPan:UdpPort", "must be 1–65535", l.UdpPort);
            for (int i = 0; i < l.Addresses.Count; i++)
            {
                if (!IPAddress.TryParse(l.Addresses[i], out var a) || a.AddressFamily != AddressFamily.InterNetworkV6
                    || a.IsIPv6LinkLocal || a.IsIPv6Multicast)
                    Fail($"LowPan:Addresses:{i}", "must be a global or unique-local IPv6 address", l.Addresses[i]);
            }
        }

        if (options.Nfc.Enabled && !IsNfcName(options.Nfc.Device)) Fail("Nfc:Device", "must be an NFC device name like nfc0", options.Nfc.Device);

        var g = options.Gatt;
        if (g.Devices.Count > 0)
        {
            if (g.Adapter.Length > 0 && !ControllerName.TryParseIndex(g.Adapter, out _)) Fail("Gatt:Adapter", "must be empty or a controller name like hci0", g.Adapter);
            if (g.ConnectTimeout <= TimeSpan.Zero) Fail("Gatt:ConnectTimeout", "must be positive", g.ConnectTimeout);
        }
        for (int i = 0; i < g.Devices.Count; i++)
        {
            var d = g.Devices[i];
            if (!BluetoothDeviceAddress.TryParse(d.Address, BluetoothAddressType.LePublic, out _))
                Fail($"Gatt:Devices:{i}:Address", "must be a Bluetooth address AA:BB:CC:DD:EE:FF", d.Address);
            if (d.AddressType is not ("public" or "random")) Fail($"Gatt:Devices:{i}:AddressType", "must be 'public' or 'random'", d.AddressType);
            if (d.Characteristics.Count == 0) Fail($"Gatt:Devices:{i}:Characteristics", "must list at least one characteristic UUID", "");
            for (int j = 0; j < d.Characteristics.Count; j++)
                if (!GattDeviceSettings.TryParseUuid(d.Characteristics[j], out _))
                    Fail($"Gatt:Devices:{i}:Characteristics:{j}", "must be a 16-bit (2a37) or 128-bit UUID", d.Characteristics[j]);
        }

        var x = options.Metrics;
        if (x.Exporter == MetricsExporter.Prometheus
            && (!Uri.TryCreate(x.PrometheusUrl, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttp || !x.PrometheusUrl.EndsWith('/')))
            Fail("Metrics:PrometheusUrl", "must be an http:// URL ending in '/'", x.PrometheusUrl);
        if (x.Exporter == MetricsExporter.Console && x.ConsoleInterval < TimeSpan.FromSeconds(1))
            Fail("Metrics:ConsoleInterval", "must be at least 1 s", x.ConsoleInterval);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsNfcName(string name) => IsIndexedName(name, "nfc");

    private static bool IsIndexedName(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && name.Length is > 3 and < 9 && name.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0;
}
