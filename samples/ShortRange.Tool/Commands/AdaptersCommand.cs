using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ShortRange.Adapters;
using ShortRange.Errors;
using ShortRange.Tool.Infrastructure;
using ShortRange.Tool.Output;
using Spectre.Console;

namespace ShortRange.Tool.Commands;

/// <summary><c>adapters [--json]</c>: every registered technology's <see cref="IAdapterMonitor"/>.</summary>
public static class AdaptersCommand
{
    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = new Option<bool>("--json") { Description = "A JSON array for scripts" };
        var command = new Command("adapters", "List Bluetooth controllers, wpan interfaces and NFC devices with their state") { json };
        context.SetAction(command, async (parse, ct) =>
        {
            var adapters = new List<AdapterInfo>();
            var unavailable = new List<StackUnavailableException>();
            var monitors = context.Services.GetServices<IAdapterMonitor>().ToList();
            foreach (var monitor in monitors)
            {
                try { adapters.AddRange(await monitor.GetAdaptersAsync(ct).ConfigureAwait(false)); }
                catch (StackUnavailableException e) { unavailable.Add(e); }
            }
            foreach (var e in unavailable)
                context.Console.Error.WriteLine(ErrorReporter.Unavailable(e.Technology, e.Message, context.Args));
            if (monitors.Count > 0 && unavailable.Count == monitors.Count) return ExitCodes.Unavailable;

            adapters = [.. adapters.OrderBy(a => a.Technology).ThenBy(a => a.Name, StringComparer.Ordinal)];
            if (parse.GetValue(json)) context.Console.Out.WriteLine(FormatJson(adapters));
            else if (context.Console.IsInteractive) context.Console.Ansi.Write(Table(adapters));
            else context.Console.Out.Write(FormatText(adapters));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string State(AdapterInfo a) => a.IsPowered ? "on" : "off";

    /// <summary>Aligned columns: TECH NAME STATE ADDRESS.</summary>
    public static string FormatText(IReadOnlyList<AdapterInfo> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        var rows = new List<string[]> { new[] { "TECH", "NAME", "STATE", "ADDRESS" } };
        rows.AddRange(adapters.Select(a => new[] { TechnologyNames.Short(a.Technology), a.Name, State(a), a.Address ?? "-" }));
        return TextColumns.Format(rows);
    }

    public static string FormatJson(IReadOnlyList<AdapterInfo> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        return Json.Write(w =>
        {
            w.WriteStartArray();
            foreach (var a in adapters)
            {
                w.WriteStartObject();
                w.WriteString("technology", TechnologyNames.Short(a.Technology));
                w.WriteString("name", a.Name);
                w.WriteBoolean("powered", a.IsPowered);
                w.WriteNullableString("address", a.Address);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static Table Table(IReadOnlyList<AdapterInfo> adapters)
    {
        var table = new Table().AddColumns("Tech", "Name", "State", "Address");
        foreach (var a in adapters)
            table.AddRow(TechnologyNames.Short(a.Technology), a.Name, a.IsPowered ? "[green]on[/]" : "[grey]off[/]", Markup.Escape(a.Address ?? "-"));
        return table;
    }
}
