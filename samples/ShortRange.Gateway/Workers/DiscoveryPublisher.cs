using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShortRange.Discovery;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Mqtt;
using ShortRange.Gateway.Options;

namespace ShortRange.Gateway.Workers;

/// <summary>
/// Publishes Found/Updated/Lost of every configured technology. Each technology's scan is its own subscription: when a
/// radio disappears its scan ends with an error, the others go on, and it is subscribed again with back-off until the
/// radio is back. Updated is throttled per device to Discovery:UpdateInterval; Found and Lost always go out.
/// </summary>
public sealed partial class DiscoveryPublisher(
    IShortRangeDiscovery discovery, MqttConnection mqtt, GatewayMetrics metrics, IOptions<GatewayOptions> options,
    ILogger<DiscoveryPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly GatewayOptions _options = options.Value;
    private readonly Dictionary<string, DateTimeOffset> _lastUpdate = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wanted = _options.Discovery.Technologies.Count > 0 ? _options.Discovery.Technologies : [.. Enum.GetValues<Technology>()];
        await Task.WhenAll(wanted.Where(discovery.Technologies.Contains).Select(t => RunAsync(t, stoppingToken)));
        // Disposal only starts each radio's stop; wait for it so that the gateway never exits with a radio scanning.
        using var stop = new CancellationTokenSource(StopTimeout);
        try { await discovery.StopIdleScansAsync(stop.Token); }
        catch (OperationCanceledException) { LogStopTimedOut(StopTimeout.TotalSeconds); }
    }

    private async Task RunAsync(Technology technology, CancellationToken ct)
    {
        await Backoff.RepeatAsync(async c =>
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (discovery.GetDiscovery(technology).Discover().Subscribe(Publish, e => ended.TrySetException(e), () => ended.TrySetResult()))
            {
                LogScanning(technology);
                await ended.Task.WaitAsync(c);
            }
        }, _ => true, e => LogScanFailed(technology, e.Message), ct);
    }

    private void Publish(DiscoveryEvent e)
    {
        var d = e.Device;
        string address = d.Address.ToString() ?? "";
        string key = $"{d.Technology}/{address}";
        lock (_lastUpdate)
        {
            if (e.Kind == DiscoveryEventKind.Lost) _lastUpdate.Remove(key);
            else if (e.Kind == DiscoveryEventKind.Updated && _lastUpdate.TryGetValue(key, out var last)
                     && d.LastSeen - last < _options.Discovery.UpdateInterval) return;
            else _lastUpdate[key] = d.LastSeen;
        }
        mqtt.Publish(mqtt.Topics.Discovery(d.Technology, address), JsonSerializer.SerializeToUtf8Bytes(ToMessage(_options.Id, e), GatewayJsonContext.Default.DiscoveryMessage));
        metrics.Discoveries.Add(1, new KeyValuePair<string, object?>("technology", d.Technology.ToString()));
    }

    internal static DiscoveryMessage ToMessage(string gateway, DiscoveryEvent e)
    {
        var d = e.Device;
        return new DiscoveryMessage(DiscoveryMessage.SchemaId, gateway, e.Kind.ToString().ToLowerInvariant(),
            d.Technology.ToString().ToLowerInvariant(), d.Address.ToString() ?? "", d.Adapter, d.Name, d.Signal,
            d.SignalKind?.ToString().ToLowerInvariant(), d.FirstSeen, d.LastSeen);
    }

    [LoggerMessage(LogLevel.Information, "{Technology} discovery running")]
    private partial void LogScanning(Technology technology);
    [LoggerMessage(LogLevel.Warning, "Scans did not stop within {Seconds} s of shutdown")]
    private partial void LogStopTimedOut(double seconds);
    [LoggerMessage(LogLevel.Warning, "{Technology} discovery ended: {Reason}; retrying with back-off")]
    private partial void LogScanFailed(Technology technology, string reason);
}
