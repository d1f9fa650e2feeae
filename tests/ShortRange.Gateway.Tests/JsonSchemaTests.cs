using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Workers;

namespace ShortRange.Gateway.Tests;

/// <summary>
/// What the gateway publishes matches the documented schema (schema/gateway.schema.json, checked by JsonSchema.Net,
/// formats included), and the documented values: NDEF bytes from the NFC Forum RTD examples, base64 from RFC 4648 §10.
/// </summary>
public sealed class JsonSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema", "gateway.schema.json")));
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    private static JsonElement Valid(byte[] json)
    {
        var element = JsonDocument.Parse(json).RootElement;
        var result = Schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(result.IsValid, $"{System.Text.Encoding.UTF8.GetString(json)}\n" +
            string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        return element;
    }

    private static bool IsValid(string json) =>
        Schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { RequireFormatValidation = true }).IsValid;

    [Fact]
    public void A_bluetooth_found_event_with_rssi()
    {
        var device = new DiscoveredDevice(BluetoothDeviceAddress.Parse("00:1A:7D:DA:71:13", BluetoothAddressType.LeRandom), "hci0",
            "Thermometer", -67, SignalKind.Rssi, T0, T0.AddSeconds(2), null);
        var json = JsonSerializer.SerializeToUtf8Bytes(DiscoveryPublisher.ToMessage("gw1", new DiscoveryEvent(DiscoveryEventKind.Found, device)),
            GatewayJsonContext.Default.DiscoveryMessage);
        var e = Valid(json);
        Assert.Equal("shortrange.gateway.discovery/1", e.GetProperty("schema").GetString());
        Assert.Equal("found", e.GetProperty("event").GetString());
        Assert.Equal("bluetooth", e.GetProperty("technology").GetString());
        Assert.StartsWith("00:1A:7D:DA:71:13", e.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.Equal(-67, e.GetProperty("signal").GetInt32());
        Assert.Equal("rssi", e.GetProperty("signalKind").GetString());
        Assert.Equal("2026-12-04T08:00:02+00:00", e.GetProperty("lastSeen").GetString());
    }

    [Fact]
    public void An_802154_lost_event_with_lqi_and_one_without_name_or_signal()
    {
        var withLqi = new DiscoveredDevice(new Ieee802154DeviceAddress(0xBEEF, null, 0x0011223344556677), "wpan0", null, 200, SignalKind.Lqi, T0, T0, null);
        var e = Valid(JsonSerializer.SerializeToUtf8Bytes(DiscoveryPublisher.ToMessage("gw1", new DiscoveryEvent(DiscoveryEventKind.Lost, withLqi)),
            GatewayJsonContext.Default.DiscoveryMessage));
        Assert.Equal("lost", e.GetProperty("event").GetString());
        Assert.Equal("ieee802154", e.GetProperty("technology").GetString());
        Assert.Equal("lqi", e.GetProperty("signalKind").GetString());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("name").ValueKind);

        var bare = new DiscoveredDevice(new NfcDeviceAddress(0, 1, [0x04, 0xA2, 0x2B]), "nfc0", null, null, null, T0, T0, null);
        var n = Valid(JsonSerializer.SerializeToUtf8Bytes(DiscoveryPublisher.ToMessage("gw1", new DiscoveryEvent(DiscoveryEventKind.Updated, bare)),
            GatewayJsonContext.Default.DiscoveryMessage));
        Assert.Equal(JsonValueKind.Null, n.GetProperty("signal").ValueKind);
        Assert.Equal(JsonValueKind.Null, n.GetProperty("signalKind").ValueKind);
        Assert.Equal("nfc", n.GetProperty("technology").GetString());
    }

    [Fact]
    public void A_datagram_carries_its_payload_as_base64()
    {
        var m = new DatagramMessage(DatagramMessage.SchemaId, "gw1", "2001:db8:15::1", 7100, 5683, T0, 6, "foobar"u8.ToArray());
        var e = Valid(JsonSerializer.SerializeToUtf8Bytes(m, GatewayJsonContext.Default.DatagramMessage));
        Assert.Equal("Zm9vYmFy", e.GetProperty("payload").GetString()); // RFC 4648 §10 test vector
        Assert.Equal("2001:db8:15::1", e.GetProperty("source").GetString());
        Assert.Equal(7100, e.GetProperty("sourcePort").GetInt32());
    }

    [Fact]
    public void An_ndef_push_of_a_text_and_a_uri_record_is_decoded()
    {
        // NFC Forum Text RTD: "Hello, world!" in "en", UTF-8 (status byte 0x02); URI RTD: prefix code 0x04 = "https://".
        byte[] ndef =
        [
            0x91, 0x01, 0x10, 0x54, 0x02, 0x65, 0x6E, .. "Hello, world!"u8,
            0x51, 0x01, 0x0C, 0x55, 0x04, .. "example.com"u8,
        ];
        var e = Valid(JsonSerializer.SerializeToUtf8Bytes(NfcNdefPublisher.ToMessage("gw1", "nfc1", "peer", ndef, T0), GatewayJsonContext.Default.NdefMessageJson));
        var records = e.GetProperty("records");
        Assert.Equal(2, records.GetArrayLength());
        Assert.Equal("wellKnown", records[0].GetProperty("tnf").GetString());
        Assert.Equal("T", records[0].GetProperty("type").GetString());
        Assert.Equal("Hello, world!", records[0].GetProperty("text").GetString());
        Assert.Equal(Convert.ToBase64String([0x02, 0x65, 0x6E, .. "Hello, world!"u8]), records[0].GetProperty("payload").GetString());
        Assert.Equal("https://example.com", records[1].GetProperty("uri").GetString());
        Assert.Equal(JsonValueKind.Null, records[1].GetProperty("text").ValueKind);
    }

    [Fact]
    public void A_gatt_notification_of_battery_level()
    {
        // Battery Service 0x180F / Battery Level 0x2A19 on the Bluetooth base UUID 00000000-0000-1000-8000-00805F9B34FB
        // (Core Vol 3 Part B §2.5.1); value 0x5A = 90 %.
        var message = GattForwarder.ToMessage("gw1", "hci0", "C0:11:22:33:44:55", new Guid("0000180f-0000-1000-8000-00805f9b34fb"),
            new Guid("00002a19-0000-1000-8000-00805f9b34fb"), "notification", [0x5A], T0);
        var e = Valid(JsonSerializer.SerializeToUtf8Bytes(message, GatewayJsonContext.Default.GattValueMessage));
        Assert.Equal("shortrange.gateway.gatt.value/1", e.GetProperty("schema").GetString());
        Assert.Equal("0000180f-0000-1000-8000-00805f9b34fb", e.GetProperty("service").GetString());
        Assert.Equal("00002a19-0000-1000-8000-00805f9b34fb", e.GetProperty("characteristic").GetString());
        Assert.Equal("Wg==", e.GetProperty("value").GetString()); // RFC 4648 base64 of 0x5A
        Assert.Equal(1, e.GetProperty("length").GetInt32());
        Assert.Equal("shortrange/gatt/C0:11:22:33:44:55/00002a19-0000-1000-8000-00805f9b34fb",
            new Topics("shortrange").Gatt("C0:11:22:33:44:55", new Guid("00002a19-0000-1000-8000-00805f9b34fb")));
    }

    [Fact]
    public void A_status_message()
    {
        var e = Valid(JsonSerializer.SerializeToUtf8Bytes(new StatusMessage(StatusMessage.SchemaId, "gw1", "online", T0), GatewayJsonContext.Default.StatusMessage));
        Assert.Equal("online", e.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("""{"schema":"shortrange.gateway.status/1","gateway":"gw1","state":"online"}""")] // since missing
    [InlineData("""{"schema":"shortrange.gateway.status/1","gateway":"gw1","state":"sleeping","since":"2026-12-04T08:00:00+00:00"}""")]
    [InlineData("""{"schema":"shortrange.gateway.status/1","gateway":"gw1","state":"online","since":"yesterday"}""")]
    [InlineData("""{"schema":"shortrange.gateway.status/1","gateway":"gw1","state":"online","since":"2026-12-04T08:00:00+00:00","extra":1}""")]
    [InlineData("""{"schema":"shortrange.gateway.lowpan.datagram/1","gateway":"gw1","source":"10.0.0.1","sourcePort":1,"port":1,"receivedAt":"2026-12-04T08:00:00Z","length":0,"payload":""}""")]
    [InlineData("""{"schema":"shortrange.gateway.lowpan.datagram/1","gateway":"gw1","source":"2001:db8::1","sourcePort":1,"port":1,"receivedAt":"2026-12-04T08:00:00Z","length":0,"payload":"not base64!"}""")]
    [InlineData("""{"schema":"shortrange.gateway.gatt.value/1","gateway":"gw1","adapter":"hci0","address":"C0:11:22:33:44:55","service":"180f","characteristic":"00002a19-0000-1000-8000-00805f9b34fb","kind":"notification","receivedAt":"2026-12-04T08:00:00Z","length":1,"value":"Wg=="}""")]
    [InlineData("""{"schema":"shortrange.gateway.gatt.value/1","gateway":"gw1","adapter":"hci0","address":"C0:11:22:33:44:55","service":"0000180f-0000-1000-8000-00805f9b34fb","characteristic":"00002a19-0000-1000-8000-00805f9b34fb","kind":"read","receivedAt":"2026-12-04T08:00:00Z","length":1,"value":"Wg=="}""")]
    public void The_schema_rejects_what_the_gateway_never_sends(string json) => Assert.False(IsValid(json));

    [Fact]
    public void Every_member_the_serializer_writes_is_documented()
    {
        // additionalProperties:false + required: renaming or adding a member without documenting it fails the tests above;
        // this one checks the schema lists exactly what a DatagramMessage has.
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema", "gateway.schema.json")))!;
        var documented = schema["$defs"]!["datagram"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order();
        var written = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(
                new DatagramMessage(DatagramMessage.SchemaId, "g", "::1", 1, 1, T0, 0, []), GatewayJsonContext.Default.DatagramMessage))
            .RootElement.EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(documented, written);
    }
}
