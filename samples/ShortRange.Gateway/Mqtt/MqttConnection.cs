using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Options;

namespace ShortRange.Gateway.Mqtt;

/// <summary>Handles a message that arrived on a subscribed topic.</summary>
public delegate Task MqttCommandHandler(string topic, byte[] payload, CancellationToken cancellationToken);

/// <summary>
/// The gateway's one broker connection (MQTTnet). Workers <see cref="Publish"/> into the bounded <see cref="MqttOutbox"/>;
/// this loop connects, subscribes the registered command filters, announces "online" (retained; the will says "offline"),
/// and publishes the outbox with QoS 1 one message at a time. When the connection breaks it reconnects with exponential
/// back-off (Mqtt:ReconnectMinDelay doubling up to Mqtt:ReconnectMaxDelay, ±20 % jitter) while the outbox fills.
/// The message in flight when the link broke is sent again (at-least-once: a consumer may see it twice).
/// </summary>
public sealed partial class MqttConnection : BackgroundService
{
    private readonly MqttSettings _settings;
    private readonly string _gatewayId;
    private readonly ILogger<MqttConnection> _logger;
    private readonly GatewayMetrics _metrics;
    private readonly List<(string Filter, MqttCommandHandler Handler)> _handlers = [];
    private CancellationTokenSource? _connectionLost;
    private volatile bool _connected;
    private long _published, _connects;

    public MqttConnection(IOptions<GatewayOptions> options, GatewayMetrics metrics, ILogger<MqttConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _settings = options.Value.Mqtt;
        _gatewayId = options.Value.Id;
        _metrics = metrics;
        _logger = logger;
        Topics = new Topics(_settings.TopicPrefix);
        Outbox = new MqttOutbox(_settings.BufferCapacity, _ => metrics.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "buffer_full")));
        metrics.ObserveBuffer(() => Outbox.Count, () => _connected ? 1 : 0);
    }

    public Topics Topics { get; }
    public MqttOutbox Outbox { get; }
    public bool IsConnected => _connected;
    public long Published => Interlocked.Read(ref _published);
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Queues a message; never blocks (see <see cref="MqttOutbox"/>).</summary>
    public void Publish(string topic, byte[] payload, bool retain = false) => Outbox.Enqueue(new OutboundMessage(topic, payload, retain));

    /// <summary>Subscribes <paramref name="filter"/> on every (re)connection; register before the host starts.</summary>
    public void OnMessage(string filter, MqttCommandHandler handler)
    {
        lock (_handlers) _handlers.Add((filter, handler));
    }

    private byte[] Status(string state) => JsonSerializer.SerializeToUtf8Bytes(
        new StatusMessage(StatusMessage.SchemaId, _gatewayId, state, DateTimeOffset.UtcNow), GatewayJsonContext.Default.StatusMessage);

    private MqttClientOptions ClientOptions() => new MqttClientOptionsBuilder()
        .WithTcpServer(_settings.Host, _settings.Port)
        .WithClientId(_settings.ClientId.Length > 0 ? _settings.ClientId : $"shortrange-gateway-{_gatewayId}")
        .WithCleanSession()
        .WithKeepAlivePeriod(_settings.KeepAlive)
        .WithTimeout(TimeSpan.FromSeconds(10))
        .WithWillTopic(Topics.Status).WithWillPayload(Status("offline")).WithWillRetain()
        .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        client.DisconnectedAsync += _ =>
        {
            // Stop the pump first, then report: once IsConnected reads false no message leaves the outbox until the
            // next connection, so what an outage drops is exactly what the outbox counts.
            try { _connectionLost?.Cancel(); } catch (ObjectDisposedException) { }
            _connected = false;
            return Task.CompletedTask;
        };
        client.ApplicationMessageReceivedAsync += e => DispatchAsync(e.ApplicationMessage, stoppingToken);

        OutboundMessage? inFlight = null;
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _connectionLost = lost;
            try
            {
                await client.ConnectAsync(ClientOptions(), stoppingToken);
                _connected = true;
                failures = 0;
                Interlocked.Increment(ref _connects);
                _metrics.Connects.Add(1);
                LogConnected(_settings.Host, _settings.Port, Outbox.Count);
                List<string> filters;
                lock (_handlers) filters = _handlers.Select(h => h.Filter).Distinct().ToList();
                foreach (string f in filters)
                    await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
                await SendAsync(client, new OutboundMessage(Topics.Status, Status("online"), Retain: true), stoppingToken);

                while (true)
                {
                    inFlight ??= await Outbox.ReadAsync(lost.Token);
                    await SendAsync(client, inFlight, lost.Token);
                    inFlight = null;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            // Whatever broke the connection (network, protocol, a broker that refused us), the gateway keeps its radios
            // running and tries again: it must outlive any broker trouble.
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _connected = false;
                var delay = Backoff(failures++);
                LogBrokerAway(_settings.Host, _settings.Port, e.Message, delay.TotalMilliseconds, Outbox.Count, Outbox.Dropped);
                try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }

        // Graceful stop (SIGTERM, Ctrl+C): say offline ourselves and close the session; a crash leaves it to the will.
        if (client.IsConnected)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await SendAsync(client, new OutboundMessage(Topics.Status, Status("offline"), Retain: true), cts.Token);
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token);
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException) { LogStopError(e.Message); }
        }
        _connected = false;
        LogStopped(Published, Outbox.Count, Outbox.Dropped);
    }

    private async Task SendAsync(IMqttClient client, OutboundMessage m, CancellationToken ct)
    {
        var r = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(m.Topic).WithPayload(m.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(m.Retain).Build(), ct);
        if (r.IsSuccess)
        {
            Interlocked.Increment(ref _published);
            _metrics.Published.Add(1);
        }
        else
        {
            // The broker answered and refused (MQTT 5 reason, e.g. not authorised): sending it again will not help.
            _metrics.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "refused"));
            LogRefused(m.Topic, r.ReasonCode.ToString());
        }
    }

    /// <summary>min·2^n capped at max, ±20 % jitter so a fleet does not reconnect in step.</summary>
    internal TimeSpan Backoff(int failures)
    {
        double ms = Math.Min(_settings.ReconnectMaxDelay.TotalMilliseconds, _settings.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30)));
        return TimeSpan.FromMilliseconds(ms * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    private async Task DispatchAsync(MqttApplicationMessage message, CancellationToken ct)
    {
        byte[] payload = message.Payload.ToArray();
        List<MqttCommandHandler> matching;
        lock (_handlers) matching = _handlers.Where(h => MqttTopicFilterComparer.Compare(message.Topic, h.Filter) == MqttTopicFilterCompareResult.IsMatch)
            .Select(h => h.Handler).ToList();
        foreach (var h in matching)
        {
            try { await h(message.Topic, payload, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { LogHandlerFailed(message.Topic, e); }
        }
    }

    [LoggerMessage(LogLevel.Information, "Connected to MQTT broker {Host}:{Port}; {Buffered} buffered messages to send")]
    private partial void LogConnected(string host, int port, int buffered);
    [LoggerMessage(LogLevel.Warning, "MQTT broker {Host}:{Port} unavailable ({Reason}); retrying in {DelayMs:F0} ms, {Buffered} buffered, {Dropped} dropped so far")]
    private partial void LogBrokerAway(string host, int port, string reason, double delayMs, int buffered, long dropped);
    [LoggerMessage(LogLevel.Warning, "Broker refused a message on {Topic}: {Reason}")]
    private partial void LogRefused(string topic, string reason);
    [LoggerMessage(LogLevel.Warning, "Command handler for {Topic} failed")]
    private partial void LogHandlerFailed(string topic, Exception e);
    [LoggerMessage(LogLevel.Debug, "Clean disconnect failed: {Reason}")]
    private partial void LogStopError(string reason);
    [LoggerMessage(LogLevel.Information, "MQTT stopped: {Published} published, {Buffered} left in the buffer, {Dropped} dropped")]
    private partial void LogStopped(long published, int buffered, long dropped);
}
