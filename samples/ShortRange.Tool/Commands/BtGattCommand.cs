using System.CommandLine;
using System.Reactive.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Sdp;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

// bt gatt ADDR: connect over LE with GattConnection; print the services tree, or --read / --write / --notify one handle.
public static partial class BluetoothCommands
{
    private static Command Gatt(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The peer's LE address (it must be advertising connectably)" };
        var type = new Option<string>("--type") { Description = "Address type: le-public or le-random", DefaultValueFactory = _ => "le-public" };
        var adapter = AdapterOption();
        var json = new Option<bool>("--json") { Description = "The tree (or the value read) as JSON for scripts" };
        var read = new Option<string?>("--read") { Description = "Read the attribute at this handle (0x0003) and print it as hex" };
        var write = new Option<string?>("--write") { Description = "Write --value to the attribute at this handle (with response)" };
        var value = new Option<string?>("--value") { Description = "Hex value for --write" };
        var notify = new Option<string?>("--notify") { Description = "Subscribe to the characteristic with this value handle; print values until Ctrl+C" };
        var indicate = new Option<bool>("--indicate") { Description = "With --notify: ask for indications instead of notifications" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the LE connection", DefaultValueFactory = _ => 30 };
        var command = new Command("gatt", "GATT client over LE: services tree, read, write, notify") { address, type, adapter, json, read, write, value, notify, indicate, timeout };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, parse.GetValue(type)!);
            if (peer.Type == Devices.BluetoothAddressType.BrEdr) throw new UsageException("--type must be le-public or le-random for GATT");
            ushort? readHandle = parse.GetValue(read) is { } r ? Hex.ParseUInt16(r, "--read") : null;
            ushort? writeHandle = parse.GetValue(write) is { } w ? Hex.ParseUInt16(w, "--write") : null;
            ushort? notifyHandle = parse.GetValue(notify) is { } n ? Hex.ParseUInt16(n, "--notify") : null;
            byte[]? writeValue = parse.GetValue(value) is { } v ? Hex.Parse(v, "--value") : null;
            if (writeHandle is not null && writeValue is null) throw new UsageException("--write needs --value HEX");
            ulong local;
            await using (var mgmt = OpenMgmt(context))
                local = (await SelectAsync(mgmt, parse.GetValue(adapter), ct).ConfigureAwait(false)).Address;
            await using var connection = await GattConnection.ConnectAsync(local, peer,
                new GattConnectionOptions { ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) }, context.Logger("gatt"), ct).ConfigureAwait(false);
            var gatt = connection.Client;
            if (writeHandle is { } wh)
            {
                await gatt.WriteAsync(wh, writeValue, ct).ConfigureAwait(false);
                context.Console.Out.WriteLine($"wrote {writeValue!.Length} octets to 0x{wh:x4}");
            }
            if (readHandle is { } rh)
            {
                var bytes = await gatt.ReadAsync(rh, ct).ConfigureAwait(false);
                context.Console.Out.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new GattValueJson(rh, Hex.Lower(bytes)), GattJsonContext.Default.GattValueJson)
                    : Hex.Lower(bytes));
            }
            if (notifyHandle is { } nh)
            {
                return await NotifyAsync(context, connection, nh, parse.GetValue(indicate), parse.GetValue(json), ct).ConfigureAwait(false);
            }
            if (readHandle is null && writeHandle is null) await PrintTreeAsync(context, gatt, parse.GetValue(json), ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task PrintTreeAsync(ToolContext context, GattClient gatt, bool json, CancellationToken ct)
    {
        var tree = new List<GattServiceJson>();
        foreach (var s in await gatt.DiscoverPrimaryServicesAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            var chars = new List<GattCharacteristicJson>();
            foreach (var c in await gatt.DiscoverCharacteristicsAsync(s, ct).ConfigureAwait(false))
            {
                var descriptors = await gatt.DiscoverDescriptorsAsync(c, ct).ConfigureAwait(false);
                chars.Add(new GattCharacteristicJson(UuidText(c.Uuid), c.ValueHandle, c.Properties.ToString(),
                    [.. descriptors.Select(d => new GattDescriptorJson(UuidText(d.Uuid), d.Handle))]));
            }
            tree.Add(new GattServiceJson(UuidText(s.Uuid), s.Handle, s.EndGroupHandle, chars));
        }
        if (json)
        {
            context.Console.Out.WriteLine(JsonSerializer.Serialize(tree, GattJsonContext.Default.ListGattServiceJson));
            return;
        }
        foreach (var s in tree)
        {
            context.Console.Out.WriteLine($"service {s.Uuid}  0x{s.Handle:x4}-0x{s.EndHandle:x4}");
            foreach (var c in s.Characteristics)
            {
                context.Console.Out.WriteLine($"  characteristic {c.Uuid}  value 0x{c.ValueHandle:x4}  {c.Properties}");
                foreach (var d in c.Descriptors) context.Console.Out.WriteLine($"    descriptor {d.Uuid}  0x{d.Handle:x4}");
            }
        }
    }

    private static async Task<int> NotifyAsync(ToolContext context, GattConnection connection, ushort valueHandle, bool indicate, bool json, CancellationToken ct)
    {
        // The CCCD follows the value handle in the characteristic's definition (Core Vol 3 Part G §3.3.3.3): find it.
        var info = await connection.Bearer.RequestAsync(new AttFindInformationRequest((ushort)(valueHandle + 1), (ushort)Math.Min(0xFFFF, valueHandle + 8)), ct).ConfigureAwait(false);
        var cccd = ((AttFindInformationResponse)info).Information.FirstOrDefault(i => i.Type == GattUuids.ClientCharacteristicConfiguration);
        if (cccd.Handle == 0) throw new FailureException($"no Client Characteristic Configuration descriptor after 0x{valueHandle:x4}");
        var characteristic = new GattCharacteristic(Guid.Empty, (ushort)(valueHandle - 1), GattCharacteristicProperties.None, valueHandle, cccd.Handle);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = connection.Client.Subscribe(characteristic, cccd.Handle, indicate).Subscribe(
            v => context.Console.Out.WriteLine(json
                ? JsonSerializer.Serialize(new GattValueJson(valueHandle, Hex.Lower(v.Span)), GattJsonContext.Default.GattValueJson)
                : Hex.Lower(v.Span)),
            e => done.TrySetException(new FailureException("notifications ended: " + e.Message, e)),
            () => done.TrySetResult(ExitCodes.Success));
        using var stop = ct.Register(() => done.TrySetResult(ExitCodes.Success));
        return await done.Task.ConfigureAwait(false);
    }
}

internal sealed record GattServiceJson(string Uuid, ushort Handle, ushort EndHandle, List<GattCharacteristicJson> Characteristics);
internal sealed record GattCharacteristicJson(string Uuid, ushort ValueHandle, string Properties, List<GattDescriptorJson> Descriptors);
internal sealed record GattDescriptorJson(string Uuid, ushort Handle);
internal sealed record GattValueJson(ushort Handle, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<GattServiceJson>))]
[JsonSerializable(typeof(GattValueJson))]
internal sealed partial class GattJsonContext : JsonSerializerContext;
