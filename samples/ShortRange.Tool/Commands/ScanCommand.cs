using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.Bluetooth;
using ShortRange.Devices;
using ShortRange.LowPan;
using ShortRange.Discovery;
using ShortRange.Errors;
using ShortRange.Tool.Infrastructure;
using ShortRange.Tool.Output;
using Spectre.Console;

namespace ShortRange.Tool.Commands;

/// <summary>
/// <c>scan [--tech bt|lowpan|nfc] [--timeout S] [--json]</c>: the SDK's merged reactive discovery
/// (<see cref="IShortRangeDiscovery"/>) as a live table on a terminal, one line per event otherwise, or JSON lines.
/// </summary>
public static class ScanCommand
{
    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tech = new Option<string[]>("--tech") { Description = "Only these technologies (bt, lowpan, nfc; repeatable)", AllowMultipleArgumentsPerToken = true };
        tech.AcceptOnlyFromAmong(TechnologyNames.ShortNames);
        var timeout = new Option<double>("--timeout") { Description = "Seconds to scan; 0 scans until Ctrl+C", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line per event (found, updated, lost)" };
        var name = new Option<string?>("--name") { Description = "Only devices whose name contains this text" };
        var adapter = new Option<string[]>("--adapter") { Description = "Scan with these adapters only (hci0, wpan0; repeatable)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("scan", "Discover devices of every technology (Found/Updated/Lost)") { tech, timeout, json, name, adapter };
        context.SetAction(command, async (parse, ct) =>
        {
            double seconds = parse.GetValue(timeout);
            if (seconds < 0) throw new UsageException("--timeout must not be negative");
            foreach (var a in parse.GetValue(adapter) ?? [])
            {
                // Adapters are module options, set before the services are built.
                if (a.StartsWith("hci", StringComparison.Ordinal)) context.ConfigureServices(s => s.Configure<BluetoothOptions>(o => o.Adapter = a));
                else if (a.StartsWith("wpan", StringComparison.Ordinal)) context.ConfigureServices(s => s.Configure<LowPanOptions>(o => o.Interfaces.Add(a)));
                else throw new UsageException($"--adapter must name a Bluetooth controller (hci0) or a wpan interface (wpan0), not '{a}'");
            }
            var discovery = context.Services.GetRequiredService<IShortRangeDiscovery>();
            var wanted = (parse.GetValue(tech) ?? []).Select(TechnologyNames.Parse).Distinct().ToList();
            if (wanted.Count == 0) wanted = [.. discovery.Technologies];
            var missing = wanted.Where(t => !discovery.Technologies.Contains(t)).ToList();
            foreach (var t in missing)
                context.Console.Error.WriteLine(ErrorReporter.Unavailable(t, "this version of shortrange has no " + TechnologyNames.Display(t) + " module yet", []));
            var selected = wanted.Except(missing).ToList();
            if (selected.Count == 0) return ExitCodes.Unavailable;

            var filter = new DiscoveryFilter { Technologies = selected.ToHashSet(), NameContains = parse.GetValue(name) };
            using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);

            // Events and failures arrive on library threads; one channel hands them to this loop in order.
            var events = Channel.CreateUnbounded<object>();
            using var failures = discovery.Failures.Subscribe(f => events.Writer.TryWrite(f));
            var renderer = parse.GetValue(json) ? (IScanRenderer)new JsonLines(context.Console)
                : context.Console.IsInteractive ? new LiveTable(context.Console) : new TextLines(context.Console);
            var failed = new List<TechnologyFailure>();
            using (discovery.Discover(filter).Subscribe(e => events.Writer.TryWrite(e), ex => events.Writer.TryComplete(ex), () => events.Writer.TryComplete()))
            {
                if (renderer is not JsonLines)
                    context.Console.Error.WriteLine($"scanning {string.Join(", ", selected.Select(TechnologyNames.Display))}{(seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $" for {seconds} s") : "")} (Ctrl+C to stop)");
                // The scan time counts from the moment the radios were asked to scan.
                if (seconds > 0) until.CancelAfter(TimeSpan.FromSeconds(seconds));
                await renderer.RunAsync(async show =>
                {
                    void Handle(object item)
                    {
                        if (item is DiscoveryEvent e) show(e);
                        else if (item is TechnologyFailure f)
                        {
                            failed.Add(f);
                            renderer.Note(Describe(f, context.Args));
                        }
                    }
                    try
                    {
                        await foreach (var item in events.Reader.ReadAllAsync(until.Token).ConfigureAwait(false)) Handle(item);
                    }
                    // The timeout or Ctrl+C ends a scan normally; disposing the subscription stops the radios.
                    catch (OperationCanceledException) when (until.IsCancellationRequested)
                    {
                        // What arrived before the deadline is still reported.
                        while (events.Reader.TryRead(out var item)) Handle(item);
                    }
                }).ConfigureAwait(false);
            }
            renderer.Finish();
            if (failed.Count == selected.Count)
                return failed.All(f => f.Error is StackUnavailableException) ? ExitCodes.Unavailable : ExitCodes.Failure;
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(TechnologyFailure f, IReadOnlyList<string> args) => f.Error is StackUnavailableException s
        ? ErrorReporter.Unavailable(f.Technology, s.Message, args)
        : $"{TechnologyNames.Display(f.Technology)} scan failed: {ErrorReporter.Describe(f.Error, args).Line}";

    public static string Signal(DiscoveredDevice d) => d.Signal is not { } s ? "-"
        : d.SignalKind == SignalKind.Lqi ? string.Create(CultureInfo.InvariantCulture, $"lqi {s}")
        : string.Create(CultureInfo.InvariantCulture, $"{s} dBm");

    /// <summary>One JSON object per event.</summary>
    public static string FormatJson(DiscoveryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var d = e.Device;
        return Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("event", e.Kind.ToString().ToLowerInvariant());
            w.WriteString("technology", TechnologyNames.Short(d.Technology));
            w.WriteString("address", d.Address.ToString());
            w.WriteString("adapter", d.Adapter);
            w.WriteNullableString("name", d.Name);
            w.WriteNullableNumber("signal", d.Signal);
            w.WriteNullableString("signalKind", d.SignalKind?.ToString().ToLowerInvariant());
            w.WriteString("firstSeen", d.FirstSeen);
            w.WriteString("lastSeen", d.LastSeen);
            w.WriteEndObject();
        });
    }

    /// <summary><c>found bt 00:AA:01:01:00:24 hci0 -60 dBm "BlueZ"</c>.</summary>
    public static string FormatText(DiscoveryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var d = e.Device;
        return $"{e.Kind.ToString().ToLowerInvariant(),-7} {TechnologyNames.Short(d.Technology),-6} {d.Address} {d.Adapter} {Signal(d)}{(d.Name is null ? "" : $" \"{d.Name}\"")}";
    }

    private interface IScanRenderer
    {
        Task RunAsync(Func<Action<DiscoveryEvent>, Task> loop);
        void Note(string line);
        void Finish();
    }

    private sealed class JsonLines(ToolConsole console) : IScanRenderer
    {
        public Task RunAsync(Func<Action<DiscoveryEvent>, Task> loop) => loop(e =>
        {
            console.Out.WriteLine(FormatJson(e));
            console.Out.Flush();
        });

        public void Note(string line) => console.Error.WriteLine(line);
        public void Finish() { }
    }

    private sealed class TextLines(ToolConsole console) : IScanRenderer
    {
        private readonly HashSet<DeviceAddress> _seen = [];

        public Task RunAsync(Func<Action<DiscoveryEvent>, Task> loop) => loop(e =>
        {
            _seen.Add(e.Device.Address);
            console.Out.WriteLine(FormatText(e));
            console.Out.Flush();
        });

        public void Note(string line) => console.Error.WriteLine(line);
        public void Finish() => console.Error.WriteLine($"{_seen.Count} device(s) seen");
    }

    /// <summary>A Spectre.Console live table: one row per device currently known, refreshed as events arrive.</summary>
    private sealed class LiveTable(ToolConsole console) : IScanRenderer
    {
        private readonly Dictionary<DeviceAddress, DiscoveredDevice> _devices = [];
        private readonly List<string> _notes = [];
        private readonly Table _table = new Table().AddColumns("Tech", "Address", "Name", "Signal", "Adapter", "Last seen");

        public Task RunAsync(Func<Action<DiscoveryEvent>, Task> loop) =>
            console.Ansi.Live(_table).AutoClear(false).StartAsync(async live =>
            {
                Render();
                live.Refresh();
                await loop(e =>
                {
                    if (e.Kind == DiscoveryEventKind.Lost) _devices.Remove(e.Device.Address);
                    else _devices[e.Device.Address] = e.Device;
                    Render();
                    live.Refresh();
                }).ConfigureAwait(false);
            });

        public void Note(string line) => _notes.Add(line);

        private void Render()
        {
            _table.Rows.Clear();
            foreach (var d in _devices.Values.OrderBy(d => d.Technology).ThenBy(d => d.Address.ToString(), StringComparer.Ordinal))
                _table.AddRow(TechnologyNames.Short(d.Technology), Markup.Escape(d.Address.ToString()), Markup.Escape(d.Name ?? "-"),
                    Signal(d), Markup.Escape(d.Adapter), d.LastSeen.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            _table.Caption(_notes.Count == 0 ? $"{_devices.Count} device(s)" : Markup.Escape(string.Join(" | ", _notes)));
        }

        public void Finish()
        {
            foreach (var n in _notes) console.Error.WriteLine(n);
        }
    }
}
