using ShortRange.Devices;

namespace ShortRange.Gateway.Options;

/// <summary>The gateway's settings: the "Gateway" section of appsettings.json (or Gateway__Mqtt__Host=… in the environment).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Identifies this gateway in topics' payloads and as the MQTT client id's default.</summary>
    public string Id { get; set; } = Environment.MachineName;

    public MqttSettings Mqtt { get; set; } = new();
    public DiscoverySettings Discovery { get; set; } = new();
    public LowPanSettings LowPan { get; set; } = new();
    public NfcSettings Nfc { get; set; } = new();
    public GattSettings Gatt { get; set; } = new();
    public MetricsSettings Metrics { get; set; } = new();
}

public sealed class MqttSettings
{
    public string Host { get; set; } = "localhost";
    public int Port { get; set; } = 1883;
    /// <summary>Client id; empty means "shortrange-gateway-{Gateway:Id}".</summary>
    public string ClientId { get; set; } = "";
    /// <summary>Every topic starts with this (no trailing '/', no wildcards).</summary>
    public string TopicPrefix { get; set; } = "shortrange";
    /// <summary>Messages held while the broker is away; beyond it the oldest are dropped and counted.</summary>
    public int BufferCapacity { get; set; } = 1000;
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class DiscoverySettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>Technologies to scan (Bluetooth, Ieee802154, Nfc); empty means all three.</summary>
    public List<Technology> Technologies { get; set; } = [];
    /// <summary>Publish Updated events at most this often per device (Found and Lost always go out).</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Scan with this controller (hci0…); empty: the first powered one.</summary>
    public string BluetoothAdapter { get; set; } = "";
    /// <summary>Poll with this NFC device (nfc0…); empty: the first one.</summary>
    public string NfcAdapter { get; set; } = "";
}

public sealed class LowPanSettings
{
    public bool Enabled { get; set; } = true;
    /// <summary>The 802.15.4 interface our user-space 6LoWPAN drives (its PAN id and addresses are used as they are).</summary>
    public string Interface { get; set; } = "wpan0";
    /// <summary>Name of the TUN interface the bridge creates ("%d" is numbered by the kernel).</summary>
    public string TunName { get; set; } = "srgw%d";
    /// <summary>UDP port that nodes send to.</summary>
    public int UdpPort { get; set; } = 5683;
    /// <summary>Global IPv6 addresses of the gateway on the 6LoWPAN link (the link-local one is always there).</summary>
    public List<string> Addresses { get; set; } = [];
}

public sealed class NfcSettings
{
    public bool Enabled { get; set; }
    /// <summary>The NFC device whose SNEP server receives NDEF pushes from peers.</summary>
    public string Device { get; set; } = "nfc0";
    /// <summary>Put the device in target mode (listen for NFC-DEP) so a phone or reader that polls links to us.</summary>
    public bool Listen { get; set; } = true;
}

/// <summary>GATT notifications to forward; the forwarder runs when <see cref="Devices"/> is not empty.</summary>
public sealed class GattSettings
{
    /// <summary>Connect from this controller (hci0…); empty: the kernel picks the route.</summary>
    public string Adapter { get; set; } = "";
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public List<GattDeviceSettings> Devices { get; set; } = [];
}

public sealed class GattDeviceSettings
{
    /// <summary>The device's LE address, AA:BB:CC:DD:EE:FF.</summary>
    public string Address { get; set; } = "";
    /// <summary>"public" or "random", as the device advertises.</summary>
    public string AddressType { get; set; } = "public";
    /// <summary>Characteristic UUIDs to subscribe to: 16-bit ("2a37", "0x2A37") or 128-bit text.</summary>
    public List<string> Characteristics { get; set; } = [];

    public BluetoothDeviceAddress PeerAddress() => BluetoothDeviceAddress.Parse(Address,
        AddressType.Equals("random", StringComparison.OrdinalIgnoreCase) ? BluetoothAddressType.LeRandom : BluetoothAddressType.LePublic);

    public HashSet<Guid> CharacteristicUuids() => [.. Characteristics.Select(c => TryParseUuid(c, out var g) ? g : throw new FormatException(c))];

    /// <summary>16-bit SIG UUIDs become 0000xxxx-0000-1000-8000-00805f9b34fb (Core Vol 3 Part B §2.5.1).</summary>
    public static bool TryParseUuid(string text, out Guid uuid)
    {
        var s = text.AsSpan().Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        if (s.Length is 4 or 8 && uint.TryParse(s, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out uint v))
        {
            uuid = Bluetooth.Advertising.BluetoothUuid.FromShort(v);
            return true;
        }
        return Guid.TryParseExact(s, "D", out uuid);
    }
}

public enum MetricsExporter { None, Console, Prometheus }

public sealed class MetricsSettings
{
    public MetricsExporter Exporter { get; set; } = MetricsExporter.None;
    /// <summary>Prometheus scrape endpoint (HttpListener prefix) when <see cref="Exporter"/> is Prometheus.</summary>
    public string PrometheusUrl { get; set; } = "http://localhost:9464/";
    /// <summary>How often the console exporter prints.</summary>
    public TimeSpan ConsoleInterval { get; set; } = TimeSpan.FromSeconds(60);
}
