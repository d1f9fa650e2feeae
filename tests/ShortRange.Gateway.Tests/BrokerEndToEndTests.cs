using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShortRange.Gateway.Mqtt;

namespace ShortRange.Gateway.Tests;

/// <summary>
/// The gateway's MQTT side against a real mosquitto: messages reach an independent reader, a broker restart loses
/// exactly the messages counted as dropped (the outbox keeps the newest BufferCapacity), and a graceful stop says offline.
/// </summary>
public sealed class BrokerEndToEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > end) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    private static IHost Gateway(int port, int capacity) => GatewayHost.Build([], new Dictionary<string, string?>
    {
        ["Gateway:Id"] = "e2e",
        ["Gateway:Mqtt:Host"] = "127.0.0.1",
        ["Gateway:Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Gateway:Mqtt:TopicPrefix"] = "e2e",
        ["Gateway:Mqtt:BufferCapacity"] = capacity.ToString(CultureInfo.InvariantCulture),
        ["Gateway:Mqtt:ReconnectMinDelay"] = "00:00:00.1",
        ["Gateway:Mqtt:ReconnectMaxDelay"] = "00:00:00.5",
        ["Gateway:Discovery:Enabled"] = "false",
        ["Gateway:LowPan:Enabled"] = "false",
    });

    private static HashSet<int> Sequences(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith("e2e/data/", StringComparison.Ordinal))
            .Select(l => int.Parse(l.AsSpan(l.IndexOf(' ', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture)).ToHashSet();

    [Fact]
    public async Task A_broker_restart_loses_only_the_counted_overflow_of_the_bounded_buffer()
    {
        Mosquitto.Require();
        var ct = TestContext.Current.CancellationToken;
        const int capacity = 50;
        using var broker = new Mosquitto();
        broker.StartBroker();
        var lines = broker.Subscribe("e2e/#");
        using var host = Gateway(broker.Port, capacity);
        await host.StartAsync(ct);
        var mqtt = host.Services.GetRequiredService<MqttConnection>();
        void Send(int seq) => mqtt.Publish($"e2e/data/{seq % 4}", Encoding.ASCII.GetBytes(seq.ToString(CultureInfo.InvariantCulture)));
        // While connected, keep within the buffer (batches of 25 and wait for it to drain) so nothing is dropped there.
        void SendPaced(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                Send(i);
                if ((i - from) % 25 == 24) Assert.True(WaitUntil(() => mqtt.Outbox.Count == 0, Wait), "the outbox did not drain");
            }
        }

        // The reader is subscribed once it hears the retained "online" status.
        Assert.True(WaitUntil(() => lines.Any(l => l.StartsWith("e2e/status ", StringComparison.Ordinal) && l.Contains("\"online\"", StringComparison.Ordinal)), Wait),
            "mosquitto_sub never saw the gateway's online status");

        SendPaced(0, 100);
        Assert.Equal(0, mqtt.Outbox.Dropped);
        Assert.True(WaitUntil(() => Sequences(lines).Count == 100, Wait), $"before the restart: {Sequences(lines).Count} of 100");

        broker.StopBroker();
        Assert.True(WaitUntil(() => !mqtt.IsConnected, Wait), "the gateway did not notice the broker leaving");
        for (int i = 100; i < 300; i++) Send(i); // 200 while away: the newest 50 are kept
        Assert.Equal(capacity, mqtt.Outbox.Count);
        Assert.Equal(150, mqtt.Outbox.Dropped);

        long connectsBefore = mqtt.Connects;
        broker.StartBroker();
        Assert.True(WaitUntil(() => mqtt.Connects > connectsBefore && mqtt.Outbox.Count == 0, Wait), "the gateway did not reconnect and flush");
        SendPaced(300, 400);

        var expected = Enumerable.Range(0, 100).Concat(Enumerable.Range(250, 50)).Concat(Enumerable.Range(300, 100)).ToHashSet();
        Assert.True(WaitUntil(() => Sequences(lines).IsSupersetOf(expected), Wait),
            $"missing after the restart: {string.Join(',', expected.Except(Sequences(lines)).Take(20))}");
        var got = Sequences(lines);
        int lost = 400 - got.Count;
        TestContext.Current.SendDiagnosticMessage($"400 sent, {got.Count} received, {lost} lost, {mqtt.Outbox.Dropped} counted as dropped (capacity {capacity})");
        Assert.Equal(mqtt.Outbox.Dropped, lost);
        Assert.True(got.SetEquals(expected), "a dropped message arrived: the oldest must be the ones dropped");

        await host.StopAsync(ct);
        Assert.True(WaitUntil(() => lines.Any(l => l.StartsWith("e2e/status ", StringComparison.Ordinal) && l.Contains("\"offline\"", StringComparison.Ordinal)), Wait),
            "no offline status after a graceful stop");
    }

    [Fact]
    public async Task Messages_published_before_the_broker_exists_are_delivered_once_it_starts()
    {
        Mosquitto.Require();
        var ct = TestContext.Current.CancellationToken;
        using var broker = new Mosquitto();
        using var host = Gateway(broker.Port, 1000);
        await host.StartAsync(ct); // no broker yet: the gateway starts anyway and retries with back-off
        var mqtt = host.Services.GetRequiredService<MqttConnection>();
        for (int i = 0; i < 20; i++) mqtt.Publish("e2e/data/early", Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
        Assert.False(mqtt.IsConnected);

        broker.StartBroker();
        // 20 + the online status acknowledged by the broker (an empty outbox alone may still have one in flight).
        Assert.True(WaitUntil(() => mqtt.Published >= 21, Wait), $"{mqtt.Published} published");
        Assert.Equal(0, mqtt.Outbox.Count);
        Assert.Equal(0, mqtt.Outbox.Dropped);
        await host.StopAsync(ct);
    }
}
