using System.Diagnostics.Metrics;

namespace ShortRange.Gateway;

/// <summary>The gateway's own instruments (Meter "ShortRange.Gateway"); the libraries' meters are exported beside it.</summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "ShortRange.Gateway";
    private readonly Meter _meter = new(MeterName);

    public GatewayMetrics()
    {
        Published = _meter.CreateCounter<long>("shortrange.gateway.mqtt.published", "{message}", "Messages the broker acknowledged.");
        Dropped = _meter.CreateCounter<long>("shortrange.gateway.mqtt.dropped", "{message}", "Messages dropped: buffer full while the broker was away, or refused by it.");
        Connects = _meter.CreateCounter<long>("shortrange.gateway.mqtt.connects", "{connection}", "Successful connections to the broker.");
        Datagrams = _meter.CreateCounter<long>("shortrange.gateway.lowpan.datagrams", "{datagram}", "UDP datagrams received from 6LoWPAN nodes.");
        Commands = _meter.CreateCounter<long>("shortrange.gateway.lowpan.commands", "{datagram}", "MQTT commands sent to 6LoWPAN nodes.");
        Discoveries = _meter.CreateCounter<long>("shortrange.gateway.discovery.events", "{event}", "Discovery events published.");
        NdefMessages = _meter.CreateCounter<long>("shortrange.gateway.nfc.ndef", "{message}", "NDEF messages published.");
        GattValues = _meter.CreateCounter<long>("shortrange.gateway.gatt.values", "{value}", "GATT notifications and indications published.");
    }

    public Counter<long> Published { get; }
    public Counter<long> Dropped { get; }
    public Counter<long> Connects { get; }
    public Counter<long> Datagrams { get; }
    public Counter<long> Commands { get; }
    public Counter<long> Discoveries { get; }
    public Counter<long> NdefMessages { get; }
    public Counter<long> GattValues { get; }

    /// <summary>Registers the buffer gauge (called once by the MQTT connection).</summary>
    internal void ObserveBuffer(Func<int> buffered, Func<int> connected)
    {
        _meter.CreateObservableGauge("shortrange.gateway.mqtt.buffered", buffered, "{message}", "Messages waiting for the broker.");
        _meter.CreateObservableGauge("shortrange.gateway.mqtt.connected", connected, null, "1 while connected to the broker.");
    }

    public void Dispose() => _meter.Dispose();
}
