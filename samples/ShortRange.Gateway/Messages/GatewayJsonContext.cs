using System.Text.Json.Serialization;

namespace ShortRange.Gateway.Messages;

/// <summary>Source-generated serializers (no reflection: trim/NativeAOT-safe). camelCase, nulls written, byte[] as base64.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DiscoveryMessage))]
[JsonSerializable(typeof(DatagramMessage))]
[JsonSerializable(typeof(NdefMessageJson))]
[JsonSerializable(typeof(GattValueMessage))]
[JsonSerializable(typeof(StatusMessage))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
