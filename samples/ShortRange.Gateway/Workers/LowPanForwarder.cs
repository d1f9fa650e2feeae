using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Mqtt;
using ShortRange.Gateway.Options;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.Nl802154;
using ShortRange.LowPan.Transport;
using ShortRange.LowPan.Tun;

namespace ShortRange.Gateway.Workers;

/// <summary>
/// 6LoWPAN ⇄ MQTT. ShortRange's user-space 6LoWPAN bridges the 802.15.4 interface to a TUN device (as in the SensorSink
/// sample), so nodes reach an ordinary UDP socket on LowPan:UdpPort: each datagram becomes a JSON message on
/// {prefix}/lowpan/rx/{source}. A message on {prefix}/lowpan/tx/{address}/{port} is sent, as it is, as a UDP datagram
/// from that port to the node. When the interface disappears (ifindex gone or changed) the bridge is torn down and built
/// again once it is back.
/// </summary>
public sealed partial class LowPanForwarder : BackgroundService
{
    private readonly GatewayOptions _options;
    private readonly MqttConnection _mqtt;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<LowPanForwarder> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private volatile Bound? _current;

    private sealed record Bound(Socket Socket, int TunIndex);

    public LowPanForwarder(IOptions<GatewayOptions> options, MqttConnection mqtt, GatewayMetrics metrics, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mqtt);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _mqtt = mqtt;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LowPanForwarder>();
        mqtt.OnMessage(mqtt.Topics.CommandFilter, SendCommandAsync);
    }

    /// <summary>The TUN interface's name while the bridge runs (for tests and logs).</summary>
    public string? TunName { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Backoff.RepeatAsync(RunOnceAsync, e => e is not OutOfMemoryException,
            e => LogLinkFailed(_options.LowPan.Interface, e.Message), stoppingToken);
    }

    private static int? IfIndex(string name)
    {
        try { return int.Parse(File.ReadAllText($"/sys/class/net/{name}/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        var s = _options.LowPan;
        int ifindex = IfIndex(s.Interface) ?? throw new IOException($"{s.Interface} does not exist");
        WpanInterfaceInfo radio;
        using (var nl = await Nl802154Client.OpenAsync(ct))
            radio = (await nl.ListInterfacesAsync(ct)).FirstOrDefault(i => i.Name == s.Interface)
                ?? throw new IOException($"{s.Interface} is not an 802.15.4 interface");
        var linkOptions = new LowPanLinkOptions { PanId = radio.PanId, ExtendedAddress = radio.ExtendedAddress, NeighbourDiscovery = true };
        foreach (string a in s.Addresses) linkOptions.Addresses.Add(IPAddress.Parse(a).GetAddressBytes());

        await using var bridge = new LowPanTunBridge(TunDevice.Create(s.TunName), new LowPanLink(linkOptions),
            PacketFrameTransport.Open(s.Interface), _loggerFactory.CreateLogger<LowPanTunBridge>());
        bridge.Start();
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, s.UdpPort));
        TunName = bridge.Tun.Name;
        _current = new Bound(socket, bridge.Tun.InterfaceIndex);
        LogLinkUp(s.Interface, bridge.Tun.Name, radio.PanId, s.UdpPort);

        // The radio may vanish (module unloaded, USB dongle pulled): watch its ifindex and start over when it changes.
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watchdog = Task.Run(async () =>
        {
            while (!gone.IsCancellationRequested && IfIndex(s.Interface) == ifindex) await Task.Delay(1000, gone.Token);
            gone.Cancel();
        }, CancellationToken.None);
        try
        {
            var buffer = new byte[2048];
            while (true)
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.IPv6Any, 0), gone.Token);
                var now = DateTimeOffset.UtcNow;
                var from = (IPEndPoint)r.RemoteEndPoint;
                string source = new IPAddress(from.Address.GetAddressBytes()).ToString(); // without the %scope
                var message = new DatagramMessage(DatagramMessage.SchemaId, _options.Id, source, from.Port, s.UdpPort, now,
                    r.ReceivedBytes, buffer[..r.ReceivedBytes]);
                _mqtt.Publish(_mqtt.Topics.DatagramIn(source), JsonSerializer.SerializeToUtf8Bytes(message, GatewayJsonContext.Default.DatagramMessage));
                _metrics.Datagrams.Add(1);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogRadioGone(s.Interface);
        }
        finally
        {
            _current = null;
            TunName = null;
            await gone.CancelAsync();
            try { await watchdog; } catch (OperationCanceledException) { }
        }
    }

    private async Task SendCommandAsync(string topic, byte[] payload, CancellationToken ct)
    {
        if (!_mqtt.Topics.TryParseCommand(topic, out string address, out int port) || !IPAddress.TryParse(address, out var ip)
            || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            LogBadCommand(topic);
            return;
        }
        var bound = _current;
        if (bound is null)
        {
            LogCommandWhileDown(topic);
            return;
        }
        if (ip.IsIPv6LinkLocal) ip.ScopeId = bound.TunIndex; // link-local: out through our 6LoWPAN interface
        await bound.Socket.SendToAsync(payload, new IPEndPoint(ip, port), ct);
        _metrics.Commands.Add(1);
    }

    [LoggerMessage(LogLevel.Information, "6LoWPAN on {Interface} via {Tun} (PAN 0x{PanId:x4}): UDP port {Port} forwarded to MQTT")]
    private partial void LogLinkUp(string @interface, string tun, ushort panId, int port);
    [LoggerMessage(LogLevel.Warning, "6LoWPAN on {Interface} unavailable: {Reason}; retrying with back-off")]
    private partial void LogLinkFailed(string @interface, string reason);
    [LoggerMessage(LogLevel.Warning, "{Interface} disappeared; the bridge restarts when it is back")]
    private partial void LogRadioGone(string @interface);
    [LoggerMessage(LogLevel.Warning, "Ignored command on {Topic}: expected {{prefix}}/lowpan/tx/<IPv6 address>/<port>")]
    private partial void LogBadCommand(string topic);
    [LoggerMessage(LogLevel.Warning, "Dropped command on {Topic}: the 6LoWPAN link is down")]
    private partial void LogCommandWhileDown(string topic);
}
