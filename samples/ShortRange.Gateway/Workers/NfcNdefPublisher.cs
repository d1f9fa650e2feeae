using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShortRange.Gateway.Messages;
using ShortRange.Gateway.Mqtt;
using ShortRange.Gateway.Options;
using ShortRange.Errors;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Snep;

namespace ShortRange.Gateway.Workers;

/// <summary>
/// NDEF pushed by NFC peers: a SNEP server (urn:nfc:sn:snep) on Nfc:Device publishes every PUT on {prefix}/nfc/ndef.
/// The DEP link itself is brought up by whoever polls (the peer, or Nfc:Listen's target-mode poll here). A device that
/// disappears ends the server; it is started again with back-off.
/// </summary>
public sealed partial class NfcNdefPublisher(
    MqttConnection mqtt, GatewayMetrics metrics, IOptions<GatewayOptions> options, ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly GatewayOptions _options = options.Value;
    private readonly ILogger _logger = loggerFactory.CreateLogger<NfcNdefPublisher>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Backoff.RepeatAsync(RunOnceAsync,
            e => e is NfcException or IOException or InvalidOperationException or ShortRangeException,
            e => LogFailed(_options.Nfc.Device, e.Message), stoppingToken);
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        string name = _options.Nfc.Device;
        uint index;
        using (var nfc = await NfcNetlinkClient.OpenAsync(null, ct))
        {
            var device = (await nfc.GetDevicesAsync(ct)).FirstOrDefault(d => d.Name == name)
                ?? throw new IOException($"{name} does not exist");
            index = device.Index;
            await nfc.SetPoweredAsync(index, true, ct);
            if (_options.Nfc.Listen) await nfc.StartPollAsync(index, NfcProtocols.None, NfcProtocols.NfcDep, ct);
        }
        var server = new SnepServer((ndef, _) => { Publish(name, ndef); return ValueTask.CompletedTask; },
            logger: loggerFactory.CreateLogger<SnepServer>());
        LogServing(name);
        await server.RunAsync(index, ct);
    }

    private void Publish(string adapter, byte[] ndef)
    {
        NdefMessageJson message;
        try { message = ToMessage(_options.Id, adapter, "peer", ndef, DateTimeOffset.UtcNow); }
        catch (NdefFormatException e)
        {
            LogBadNdef(adapter, e.Message);
            return;
        }
        mqtt.Publish(mqtt.Topics.Ndef, JsonSerializer.SerializeToUtf8Bytes(message, GatewayJsonContext.Default.NdefMessageJson));
        metrics.NdefMessages.Add(1);
    }

    internal static NdefMessageJson ToMessage(string gateway, string adapter, string origin, byte[] ndef, DateTimeOffset at) =>
        new(NdefMessageJson.SchemaId, gateway, adapter, origin, at, NdefMessage.Parse(ndef).Select(r =>
        {
            bool wellKnown = r.Tnf == NdefTnf.WellKnown;
            return new NdefRecordJson(TnfName(r.Tnf), r.TypeText, r.Id.Length > 0 ? r.Id.ToArray() : null, r.Payload.ToArray(),
                wellKnown && r.TypeText == "T" ? NdefTextRecord.Decode(r.Payload.Span).Text : null,
                wellKnown && r.TypeText == "U" ? NdefUriRecord.Decode(r.Payload.Span) : null);
        }).ToList());

    private static string TnfName(NdefTnf tnf) => tnf switch
    {
        NdefTnf.Empty => "empty", NdefTnf.WellKnown => "wellKnown", NdefTnf.MimeMedia => "mime", NdefTnf.AbsoluteUri => "absoluteUri",
        NdefTnf.External => "external", NdefTnf.Unknown => "unknown", NdefTnf.Unchanged => "unchanged", _ => "reserved",
    };

    [LoggerMessage(LogLevel.Information, "SNEP server on {Device}: NDEF pushes are published")]
    private partial void LogServing(string device);
    [LoggerMessage(LogLevel.Warning, "NFC on {Device} unavailable: {Reason}; retrying with back-off")]
    private partial void LogFailed(string device, string reason);
    [LoggerMessage(LogLevel.Warning, "Malformed NDEF pushed on {Device}: {Reason}")]
    private partial void LogBadNdef(string device, string reason);
}
