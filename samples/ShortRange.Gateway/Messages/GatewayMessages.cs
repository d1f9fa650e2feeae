namespace ShortRange.Gateway.Messages;

// The JSON the gateway publishes; schema/gateway.schema.json documents it and the unit tests validate against it.
// Every message names its schema and version in "schema" so consumers can evolve with it.

/// <summary>Topic {prefix}/discovery/{technology}/{address}: a device found, updated or lost.</summary>
public sealed record DiscoveryMessage(
    string Schema, string Gateway, string Event, string Technology, string Address, string Adapter,
    string? Name, int? Signal, string? SignalKind, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    public const string SchemaId = "shortrange.gateway.discovery/1";
}

/// <summary>Topic {prefix}/lowpan/rx/{source}: one UDP datagram a 6LoWPAN node sent to the gateway's port.</summary>
public sealed record DatagramMessage(
    string Schema, string Gateway, string Source, int SourcePort, int Port, DateTimeOffset ReceivedAt, int Length, byte[] Payload)
{
    public const string SchemaId = "shortrange.gateway.lowpan.datagram/1";
}

/// <summary>Topic {prefix}/nfc/ndef: an NDEF message pushed by a peer (SNEP PUT) or read from a tag.</summary>
public sealed record NdefMessageJson(
    string Schema, string Gateway, string Adapter, string Origin, DateTimeOffset ReceivedAt, IReadOnlyList<NdefRecordJson> Records)
{
    public const string SchemaId = "shortrange.gateway.nfc.ndef/1";
}

/// <summary>One NDEF record; text/uri are decoded for the well-known T and U types.</summary>
public sealed record NdefRecordJson(string Tnf, string Type, byte[]? Id, byte[] Payload, string? Text, string? Uri);

/// <summary>Topic {prefix}/gatt/{address}/{characteristic}: one value an LE device notified or indicated.</summary>
public sealed record GattValueMessage(
    string Schema, string Gateway, string Adapter, string Address, string Service, string Characteristic, string Kind,
    DateTimeOffset ReceivedAt, int Length, byte[] Value)
{
    public const string SchemaId = "shortrange.gateway.gatt.value/1";
}

/// <summary>Topic {prefix}/status (retained): online when connected, offline as the broker's will or on shutdown.</summary>
public sealed record StatusMessage(string Schema, string Gateway, string State, DateTimeOffset Since)
{
    public const string SchemaId = "shortrange.gateway.status/1";
}
