using System.CommandLine;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Snep;
using ShortRange.Nfc.Tags;
using ShortRange.Tool.Infrastructure;
using ShortRange.Tool.Output;

namespace ShortRange.Tool.Commands;

/// <summary>
/// <c>nfc poll|read|write|push|listen</c> over ShortRange.Nfc: the kernel's `nfc` netlink family for polling and the
/// DEP link, NfcTagReader for tags (Type 2/4), SNEP over LLCP for peers.
/// </summary>
public static class NfcCommands
{
    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("nfc", "NFC: poll for tags and peers, read/write NDEF, SNEP push and listen")
        {
            Poll(context), Read(context), Write(context), Push(context), Listen(context),
        };
    }

    private static Option<string?> AdapterOption() => new("--adapter", "-a") { Description = "NFC device (nfc0); default: the first one" };

    private static Option<double> TimeoutOption() => new("--timeout") { Description = "Seconds to wait for a tag or peer", DefaultValueFactory = _ => 60 };

    private static Option<string> FormatOption()
    {
        var format = new Option<string>("--format") { Description = "text (one line per record) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        return format;
    }

    private static string Records(byte[] ndef, string format)
    {
        IReadOnlyList<NdefRecord> records;
        try { records = NdefMessage.Parse(ndef); }
        catch (NdefFormatException e) { throw new FailureException("received data is not a valid NDEF message: " + e.Message, e); }
        return format == "json" ? NdefCommands.FormatJson(records) : NdefCommands.FormatText(records);
    }

    /// <summary>The NDEF message of --text/--uri (exactly one of them).</summary>
    private static byte[] Message(string? text, string? uri, string lang)
    {
        if ((text is null) == (uri is null)) throw new UsageException("give exactly one of --text or --uri");
        return NdefMessage.Encode([text is not null ? NdefTextRecord.Create(text, lang) : NdefUriRecord.Create(uri!)]);
    }

    private static async Task<NfcDeviceInfo> DeviceAsync(NfcNetlinkClient client, string? adapter, CancellationToken ct)
    {
        var devices = await client.GetDevicesAsync(ct).ConfigureAwait(false);
        var device = adapter is null ? devices.OrderBy(d => d.Index).FirstOrDefault() : devices.FirstOrDefault(d => d.Name == adapter);
        if (device is null)
            throw new FailureException(adapter is null ? "no NFC device is present (see: shortrange adapters)" : $"NFC device '{adapter}' does not exist (see: shortrange adapters)");
        await client.SetPoweredAsync(device.Index, true, ct).ConfigureAwait(false);
        return device;
    }

    /// <summary>Polls as initiator for <paramref name="protocols"/> until the kernel reports targets; returns them.</summary>
    private static async Task<IReadOnlyList<NfcTargetInfo>> PollAsync(ToolContext context, NfcNetlinkClient client, NfcDeviceInfo device,
        NfcProtocols protocols, double seconds, CancellationToken ct)
    {
        var found = client.Events.OfType<NfcTargetsFoundEvent>().Where(e => e.DeviceIndex == device.Index).FirstAsync().ToTask(ct);
        await client.StartPollAsync(device.Index, protocols, NfcProtocols.None, ct).ConfigureAwait(false);
        context.Console.Error.WriteLine($"{device.Name}: polling for {protocols} (Ctrl+C to stop)");
        try
        {
            await found.WaitAsync(TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The kernel ends a poll by itself only when it finds something: stop ours.
            try { await client.StopPollAsync(device.Index, CancellationToken.None).ConfigureAwait(false); }
            catch (ShortRange.Errors.ShortRangeException) { }
            if (e is TimeoutException) throw new FailureException($"{device.Name}: no tag or peer within {seconds} s");
            throw;
        }
        return await client.GetTargetsAsync(device.Index, ct).ConfigureAwait(false);
    }

    public static string FormatTarget(NfcDeviceInfo device, NfcTargetInfo t) =>
        string.Create(CultureInfo.InvariantCulture, $"{device.Name} target {t.Index} protocols={t.Protocols} id={Hex.Lower(t.Identifier)}");

    private static Command Poll(ToolContext context)
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var json = new Option<bool>("--json") { Description = "A JSON array for scripts" };
        var command = new Command("poll", "Poll for tags and peers and list what was found") { adapter, timeout, json };
        context.SetAction(command, async (parse, ct) =>
        {
            using var client = await NfcNetlinkClient.OpenAsync(context.Logger("nfc"), ct).ConfigureAwait(false);
            var device = await DeviceAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var targets = await PollAsync(context, client, device, device.Protocols, parse.GetValue(timeout), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
                context.Console.Out.WriteLine(Json.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var t in targets)
                    {
                        w.WriteStartObject();
                        w.WriteString("adapter", device.Name);
                        w.WriteNumber("target", t.Index);
                        w.WriteString("protocols", t.Protocols.ToString());
                        w.WriteString("id", Hex.Lower(t.Identifier));
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }));
            else foreach (var t in targets) context.Console.Out.WriteLine(FormatTarget(device, t));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The DEP link to an NFC-DEP target, brought down again on dispose.</summary>
    private sealed class DepLink(NfcNetlinkClient client, uint device, uint target) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try { await client.DepLinkDownAsync(device, target, CancellationToken.None).ConfigureAwait(false); }
            catch (ShortRange.Errors.ShortRangeException) { } // already down: the peer left
        }
    }

    /// <summary>The DEP link to a peer: found and linked by the SDK's <see cref="NfcDepLinker"/> (it re-polls when ATR_REQ goes unanswered).</summary>
    private static async Task<(DepLink Link, NfcTargetInfo Peer)> LinkToPeerAsync(ToolContext context, NfcNetlinkClient client, NfcDeviceInfo device,
        double seconds, CancellationToken ct)
    {
        context.Console.Error.WriteLine($"{device.Name}: polling for an NFC-DEP peer (Ctrl+C to stop)");
        try
        {
            var r = await client.PollAndLinkUpAsync(device.Index, TimeSpan.FromSeconds(seconds), logger: context.Logger("nfc"), cancellationToken: ct).ConfigureAwait(false);
            return (new DepLink(client, device.Index, r.Target.Index), r.Target);
        }
        catch (TimeoutException)
        {
            throw new FailureException($"{device.Name}: no NFC-DEP peer linked within {seconds} s");
        }
    }

    private static Command Read(ToolContext context)
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var format = FormatOption();
        var command = new Command("read", "Read the NDEF message of a tag (Type 2/4) or of a peer (SNEP GET)") { adapter, timeout, format };
        context.SetAction(command, async (parse, ct) =>
        {
            using var client = await NfcNetlinkClient.OpenAsync(context.Logger("nfc"), ct).ConfigureAwait(false);
            var device = await DeviceAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var targets = await PollAsync(context, client, device, device.Protocols, parse.GetValue(timeout), ct).ConfigureAwait(false);
            var tag = targets.FirstOrDefault(t => NfcTagReader.TagProtocol(t.Protocols) is not null);
            byte[] ndef;
            if (tag is not null)
            {
                context.Console.Error.WriteLine($"reading {FormatTarget(device, tag)}");
                ndef = await NfcTagReader.ReadNdefAsync(device.Index, tag, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false);
            }
            else
            {
                if (!targets.Any(t => t.Protocols.HasFlag(NfcProtocols.NfcDep)))
                    throw new FailureException($"{device.Name}: found no tag or NFC-DEP peer this SDK can read");
                // A peer: poll again for NFC-DEP only and link up at once (the first poll looked for tags too).
                var (link, peer) = await LinkToPeerAsync(context, client, device, parse.GetValue(timeout), ct).ConfigureAwait(false);
                await using var _ = link;
                context.Console.Error.WriteLine($"reading {FormatTarget(device, peer)} with SNEP GET");
                using var snep = await SnepClient.ConnectAsync(device.Index, peer.Index, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false);
                // SNEP 1.0 §4.1: GET carries an NDEF message that names what is wanted; the default server's own URI asks for its default.
                ndef = await snep.GetAsync(NdefMessage.Encode([NdefUriRecord.Create("urn:nfc:sn:snep")]), 64 * 1024, ct).ConfigureAwait(false);
            }
            context.Console.Out.WriteLine(Records(ndef, parse.GetValue(format)!));
            return ExitCodes.Success;
        });
        return command;
    }

    private static (Option<string?> Text, Option<string?> Uri, Option<string> Lang) MessageOptions() =>
        (new("--text") { Description = "A Text record with this text" },
         new("--uri") { Description = "A URI record" },
         new("--lang") { Description = "Language of --text", DefaultValueFactory = _ => "en" });

    private static Command Write(ToolContext context)
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var (text, uri, lang) = MessageOptions();
        var command = new Command("write", "Write an NDEF message (one Text or URI record) to a tag (Type 2/4)") { adapter, timeout, text, uri, lang };
        context.SetAction(command, async (parse, ct) =>
        {
            var ndef = Message(parse.GetValue(text), parse.GetValue(uri), parse.GetValue(lang)!);
            using var client = await NfcNetlinkClient.OpenAsync(context.Logger("nfc"), ct).ConfigureAwait(false);
            var device = await DeviceAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var targets = await PollAsync(context, client, device, device.Protocols, parse.GetValue(timeout), ct).ConfigureAwait(false);
            var tag = targets.FirstOrDefault(t => NfcTagReader.TagProtocol(t.Protocols) is not null)
                ?? throw new FailureException($"{device.Name}: found no tag this SDK writes (Type 2/4); to send to a peer use: shortrange nfc push");
            await NfcTagReader.WriteNdefAsync(device.Index, tag, ndef, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false);
            context.Console.Out.WriteLine($"wrote {ndef.Length} bytes to {FormatTarget(device, tag)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Push(ToolContext context)
    {
        var adapter = AdapterOption();
        var timeout = TimeoutOption();
        var (text, uri, lang) = MessageOptions();
        var command = new Command("push", "Push an NDEF message to a peer (SNEP PUT over an NFC-DEP link)") { adapter, timeout, text, uri, lang };
        context.SetAction(command, async (parse, ct) =>
        {
            var ndef = Message(parse.GetValue(text), parse.GetValue(uri), parse.GetValue(lang)!);
            using var client = await NfcNetlinkClient.OpenAsync(context.Logger("nfc"), ct).ConfigureAwait(false);
            var device = await DeviceAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var (link, peer) = await LinkToPeerAsync(context, client, device, parse.GetValue(timeout), ct).ConfigureAwait(false);
            await using (link)
            using (var snep = await SnepClient.ConnectAsync(device.Index, peer.Index, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false))
                await snep.PutAsync(ndef, ct).ConfigureAwait(false);
            context.Console.Out.WriteLine($"pushed {ndef.Length} bytes to {FormatTarget(device, peer)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Listen(ToolContext context)
    {
        var adapter = AdapterOption();
        var format = FormatOption();
        var count = new Option<int?>("--count") { Description = "Exit after this many SNEP requests (PUT or GET), once the client that sent the last one has closed its connection" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var (text, uri, lang) = MessageOptions();
        text.Description = "Answer SNEP GET with a Text record";
        uri.Description = "Answer SNEP GET with a URI record";
        var command = new Command("listen", "Be an NFC-DEP target with a SNEP server: print every message pushed to us until Ctrl+C")
        {
            adapter, format, count, duration, text, uri, lang,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            byte[]? served = parse.GetValue(text) is null && parse.GetValue(uri) is null ? null
                : Message(parse.GetValue(text), parse.GetValue(uri), parse.GetValue(lang)!);
            using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(duration) is { } d) until.CancelAfter(TimeSpan.FromSeconds(d));
            int? max = parse.GetValue(count);
            int requests = 0;
            void Counted() => Interlocked.Increment(ref requests);
            using var client = await NfcNetlinkClient.OpenAsync(context.Logger("nfc"), ct).ConfigureAwait(false);
            var device = await DeviceAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var server = new SnepServer(
                (ndef, _) =>
                {
                    context.Console.Out.WriteLine(Records(ndef, parse.GetValue(format)!));
                    context.Console.Out.Flush();
                    Counted();
                    return ValueTask.CompletedTask;
                },
                served is null ? null : (_, _) =>
                {
                    context.Console.Error.WriteLine($"answered a SNEP GET with {served.Length} bytes");
                    Counted();
                    return ValueTask.FromResult<byte[]?>(served);
                },
                context.Logger("nfc.snep"));
            // --count stops once the connection that carried the last counted request has ended. The client closes it
            // after it read our answer, so stopping then never cuts an answer off; stopping a fixed time after the
            // request did, on a starved host (CI g1: "the SNEP server closed the connection" in nfc read).
            // Target mode: a reader's poll finds us and brings the DEP link up; the SNEP server binds before that.
            var running = LlcpListener.ServeAsync(device.Index, LlcpServiceNames.Snep, async (connection, t) =>
            {
                try { await server.HandleConnectionAsync(connection, t).ConfigureAwait(false); }
                finally
                {
                    if (max is { } m && Volatile.Read(ref requests) >= m) await until.CancelAsync().ConfigureAwait(false);
                }
            }, context.Logger("nfc.snep"), cancellationToken: until.Token);
            await client.StartPollAsync(device.Index, NfcProtocols.None, NfcProtocols.NfcDep, ct).ConfigureAwait(false);
            context.Console.Error.WriteLine($"{device.Name}: waiting for a peer (SNEP server; Ctrl+C to stop)");
            try { await running.ConfigureAwait(false); }
            catch (OperationCanceledException) when (until.IsCancellationRequested) { }
            finally
            {
                try { await client.StopPollAsync(device.Index, CancellationToken.None).ConfigureAwait(false); }
                catch (ShortRange.Errors.ShortRangeException) { } // the poll already ended with the DEP link
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
