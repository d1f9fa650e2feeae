using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Devices;
using ShortRange.Errors;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Mqtt;
using ShortRange.Gateway.Options;

namespace ShortRange.Gateway.Workers;

/// <summary>
/// GATT notifications of configured LE devices: one loop per Gatt:Devices entry connects from Gatt:Adapter, finds the
/// configured characteristics, subscribes (indications where a characteristic only indicates) and publishes every value
/// on {prefix}/gatt/{address}/{characteristic}. When the link ends (device gone, radio removed) it connects again with
/// back-off; the reason is logged.
/// </summary>
public sealed partial class GattForwarder(
    MqttConnection mqtt, GatewayMetrics metrics, IOptions<GatewayOptions> options, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly GatewayOptions _options = options.Value;
    private readonly ILogger _logger = loggerFactory.CreateLogger<GattForwarder>();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_options.Gatt.Devices.Select(d => RunAsync(d, stoppingToken)));

    private async Task RunAsync(GattDeviceSettings device, CancellationToken ct)
    {
        await Backoff.RepeatAsync(c => ForwardOnceAsync(device, c),
            e => e is ShortRangeException or IOException or SocketException or TimeoutException or InvalidOperationException,
            e => LogFailed(device.Address, e.Message), ct);
    }

    private async Task ForwardOnceAsync(GattDeviceSettings device, CancellationToken ct)
    {
        var peer = device.PeerAddress();
        string adapter = _options.Gatt.Adapter;
        var connectionOptions = new GattConnectionOptions { ConnectTimeout = _options.Gatt.ConnectTimeout };
        await using var connection = adapter.Length == 0
            ? await GattConnection.ConnectAsync(0UL, peer, connectionOptions, _logger, ct)   // BDADDR_ANY: the kernel picks
            : await GattConnection.ConnectAsync(adapter, peer, connectionOptions, _logger, ct);
        var gatt = connection.Client;
        var wanted = device.CharacteristicUuids();
        var found = new List<(GattService Service, GattCharacteristic Characteristic)>();
        foreach (var service in await gatt.DiscoverPrimaryServicesAsync(cancellationToken: ct))
            foreach (var c in await gatt.DiscoverCharacteristicsAsync(service, ct))
                if (wanted.Contains(c.Uuid)) found.Add((service, c));

        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriptions = new List<IDisposable>();
        try
        {
            foreach (var (service, c) in found)
            {
                bool indicate = !c.Properties.HasFlag(GattCharacteristicProperties.Notify);
                var cccd = indicate && !c.Properties.HasFlag(GattCharacteristicProperties.Indicate) ? null
                    : (await gatt.DiscoverDescriptorsAsync(c, ct)).FirstOrDefault(d => d.Uuid == GattUuids.ClientCharacteristicConfiguration);
                if (cccd is null)
                {
                    LogNotSubscribable(device.Address, c.Uuid);
                    continue;
                }
                string kind = indicate ? "indication" : "notification";
                subscriptions.Add(gatt.Subscribe(c, cccd.Handle, indicate).Subscribe(
                    v => Publish(adapter, peer, service.Uuid, c.Uuid, kind, v),
                    e => ended.TrySetException(e)));
                LogSubscribed(device.Address, c.Uuid, kind);
            }
            foreach (var missing in wanted.Where(u => !found.Any(f => f.Characteristic.Uuid == u)))
                LogMissing(device.Address, missing);
            if (subscriptions.Count == 0)
                throw new InvalidOperationException($"{device.Address} has none of the configured characteristics it can notify");
            var end = await UntilLinkEndsAsync(connection.Disconnected, ended.Task, ct);
            LogDisconnected(device.Address, end.Reason.ToString(), end.Exception?.Message ?? "");
        }
        finally
        {
            foreach (var s in subscriptions) s.Dispose();
        }
    }

    /// <summary>
    /// Waits for the link to end. A subscription that fails while the link is up (the device refused the CCCD write,
    /// a malformed notification) ends the wait with that error, so it is logged and retried instead of leaving a
    /// connection that forwards nothing; a subscription ended by the link closing is just the link ending.
    /// </summary>
    internal static async Task<GattConnectionState> UntilLinkEndsAsync(Task<GattConnectionState> disconnected, Task subscriptionFailed,
        CancellationToken ct)
    {
        var first = await Task.WhenAny(disconnected, subscriptionFailed).WaitAsync(ct);
        if (first == subscriptionFailed && subscriptionFailed.Exception?.InnerException is not AttBearerClosedException)
            await subscriptionFailed;
        return await disconnected.WaitAsync(ct);
    }

    private void Publish(string adapter, BluetoothDeviceAddress peer, Guid service, Guid characteristic, string kind, ReadOnlyMemory<byte> value)
    {
        string address = peer.ToString() ?? "";
        var message = ToMessage(_options.Id, adapter, address, service, characteristic, kind, value.ToArray(), DateTimeOffset.UtcNow);
        mqtt.Publish(mqtt.Topics.Gatt(address, characteristic), JsonSerializer.SerializeToUtf8Bytes(message, GatewayJsonContext.Default.GattValueMessage));
        metrics.GattValues.Add(1);
    }

    internal static GattValueMessage ToMessage(string gateway, string adapter, string address, Guid service, Guid characteristic,
        string kind, byte[] value, DateTimeOffset receivedAt) =>
        new(GattValueMessage.SchemaId, gateway, adapter, address, Uuid(service), Uuid(characteristic), kind, receivedAt, value.Length, value);

    /// <summary>UUIDs as the lowercase 128-bit form (RFC 4122 text), 16-bit SIG UUIDs included.</summary>
    internal static string Uuid(Guid uuid) => uuid.ToString("D", CultureInfo.InvariantCulture);

    [LoggerMessage(LogLevel.Information, "GATT {Address}: subscribed to {Characteristic} ({Kind}s)")]
    private partial void LogSubscribed(string address, Guid characteristic, string kind);
    [LoggerMessage(LogLevel.Warning, "GATT {Address}: no characteristic {Characteristic}")]
    private partial void LogMissing(string address, Guid characteristic);
    [LoggerMessage(LogLevel.Warning, "GATT {Address}: {Characteristic} neither notifies nor indicates (no CCCD)")]
    private partial void LogNotSubscribable(string address, Guid characteristic);
    [LoggerMessage(LogLevel.Warning, "GATT {Address}: link ended ({Reason}) {Detail}; reconnecting with back-off")]
    private partial void LogDisconnected(string address, string reason, string detail);
    [LoggerMessage(LogLevel.Warning, "GATT {Address}: {Reason}; retrying with back-off")]
    private partial void LogFailed(string address, string reason);
}
