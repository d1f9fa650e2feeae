using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ShortRange.Bluetooth.Sdp;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

// bt sdp ADDR: browse the peer's public browse group with SdpClient; --json through System.Text.Json source generation.
public static partial class BluetoothCommands
{
    private static Command Sdp(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The peer's BR/EDR address" };
        var adapter = AdapterOption();
        var json = new Option<bool>("--json") { Description = "The records as JSON for scripts" };
        var uuid = new Option<string?>("--uuid") { Description = "Only records with this UUID (0x1101, 1101 or a 128-bit UUID); default: browse" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection and each response", DefaultValueFactory = _ => 30 };
        var command = new Command("sdp", "Browse a peer's SDP records (service classes, protocols, RFCOMM channel, name)") { address, adapter, json, uuid, timeout };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, "bredr");
            ulong local;
            await using (var mgmt = OpenMgmt(context))
                local = (await SelectAsync(mgmt, parse.GetValue(adapter), ct).ConfigureAwait(false)).Address;
            var wait = TimeSpan.FromSeconds(parse.GetValue(timeout));
            IReadOnlyList<SdpRecord> records;
            await using (var client = await SdpClient.ConnectAsync(local, peer.Value, wait, ct).ConfigureAwait(false))
            {
                records = parse.GetValue(uuid) is { } u
                    ? await client.ServiceSearchAttributeAsync([SdpUuid.Parse(u)], null, ct).ConfigureAwait(false)
                    : await client.BrowseAsync(ct).ConfigureAwait(false);
            }
            if (parse.GetValue(json))
            {
                var dto = records.Select(SdpRecordJson.From).ToList();
                context.Console.Out.WriteLine(JsonSerializer.Serialize(dto, SdpJsonContext.Default.ListSdpRecordJson));
                return ExitCodes.Success;
            }
            foreach (var r in records)
            {
                context.Console.Out.WriteLine($"Record 0x{r.Handle ?? 0:x8}  {r.ServiceName}");
                foreach (var c in r.ServiceClassIds) context.Console.Out.WriteLine($"  class    {UuidText(c)}");
                foreach (var p in r.ProtocolDescriptors)
                    context.Console.Out.WriteLine($"  protocol {UuidText(p.Protocol)}{string.Concat(p.Parameters.Select(x => " " + x))}");
                foreach (var p in r.ProfileDescriptors) context.Console.Out.WriteLine($"  profile  {UuidText(p.Profile)} v{p.Version >> 8}.{p.Version & 0xFF}");
                if (r.RfcommChannel is { } ch) context.Console.Out.WriteLine($"  rfcomm channel {ch}");
                if (r.L2capPsm is { } psm) context.Console.Out.WriteLine($"  l2cap psm 0x{psm:x4}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string UuidText(Guid uuid) =>
        SdpUuid.TryGetShort(uuid, out uint s) ? "0x" + s.ToString(s <= 0xFFFF ? "x4" : "x8", CultureInfo.InvariantCulture) : uuid.ToString();
}

/// <summary>One record in `bt sdp --json`.</summary>
internal sealed record SdpRecordJson(uint? Handle, string? Name, List<string> ServiceClasses, List<string> Protocols, List<string> Profiles,
    int? RfcommChannel, int? L2capPsm, Dictionary<string, string> Attributes)
{
    public static SdpRecordJson From(SdpRecord r) => new(r.Handle, r.ServiceName,
        [.. r.ServiceClassIds.Select(BluetoothCommands.UuidText)],
        [.. r.ProtocolDescriptors.Select(p => BluetoothCommands.UuidText(p.Protocol))],
        [.. r.ProfileDescriptors.Select(p => $"{BluetoothCommands.UuidText(p.Profile)} {p.Version >> 8}.{p.Version & 0xFF}")],
        r.RfcommChannel, r.L2capPsm,
        r.Attributes.ToDictionary(a => "0x" + a.Key.ToString("x4", CultureInfo.InvariantCulture), a => a.Value.ToString()));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<SdpRecordJson>))]
internal sealed partial class SdpJsonContext : JsonSerializerContext;
