using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;
using ShortRange.Tool.Infrastructure;
using ShortRange.Tool.Output;

namespace ShortRange.Tool.Commands;

/// <summary><c>bt info|power|pair|unpair|bonds|capture|l2cap</c> over ShortRange.Bluetooth (mgmt, pairing, monitor, L2CAP).</summary>
public static partial class BluetoothCommands
{
    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("bt", "Bluetooth controllers, pairing, capture, L2CAP and PAN")
        {
            Info(context), Power(context), Pair(context), Unpair(context), Bonds(context), Capture(context), L2cap(context), Pan(context), Sdp(context), Rfcomm(context), Gatt(context), Advertise(context),
        };
    }

    internal static Option<string?> AdapterOption() => new("--adapter", "-a") { Description = "Controller (hci0); default: the first one" };

    internal static MgmtClient OpenMgmt(ToolContext context)
    {
        var options = context.Services.GetRequiredService<IOptions<BluetoothOptions>>().Value;
        return new MgmtClient(options.TransportFactory(), context.Logger("bt"), options.CommandTimeout);
    }

    /// <summary>The controller named by --adapter, else the first one the kernel lists.</summary>
    internal static async Task<ControllerInfo> SelectAsync(MgmtClient client, string? adapter, CancellationToken ct)
    {
        var indexes = await client.ReadIndexListAsync(ct).ConfigureAwait(false);
        if (adapter is null)
        {
            if (indexes.Length == 0) throw new FailureException("no Bluetooth controller is present (see: shortrange adapters)");
            return await client.ReadControllerInfoAsync(indexes[0], ct).ConfigureAwait(false);
        }
        if (!ControllerName.TryParseIndex(adapter, out var index))
            throw new UsageException($"--adapter must name a controller like hci0, not '{adapter}'");
        if (!indexes.Contains(index)) throw new FailureException($"Bluetooth controller '{adapter}' does not exist (see: shortrange adapters)");
        return await client.ReadControllerInfoAsync(index, ct).ConfigureAwait(false);
    }

    internal static BluetoothDeviceAddress ParseAddress(string text, string type)
    {
        var t = type switch
        {
            "bredr" => BluetoothAddressType.BrEdr,
            "le-public" => BluetoothAddressType.LePublic,
            "le-random" => BluetoothAddressType.LeRandom,
            _ => throw new UsageException($"--type must be bredr, le-public or le-random, not '{type}'"),
        };
        try { return BluetoothDeviceAddress.Parse(text, t); }
        catch (FormatException e) { throw new UsageException(e.Message, e); }
        catch (OverflowException e) { throw new UsageException($"'{text}' is not a Bluetooth address", e); }
    }

    internal static Option<string> AddressTypeOption()
    {
        var o = new Option<string>("--type") { Description = "Address type: bredr, le-public or le-random", DefaultValueFactory = _ => "bredr" };
        o.AcceptOnlyFromAmong("bredr", "le-public", "le-random");
        return o;
    }

    private static Command Info(ToolContext context)
    {
        var adapter = AdapterOption();
        var json = new Option<bool>("--json") { Description = "A JSON array for scripts" };
        var command = new Command("info", "Show controllers: address, name, version, settings") { adapter, json };
        context.SetAction(command, async (parse, ct) =>
        {
            await using var client = OpenMgmt(context);
            var infos = new List<ControllerInfo>();
            if (parse.GetValue(adapter) is { } a) infos.Add(await SelectAsync(client, a, ct).ConfigureAwait(false));
            else
                foreach (var i in await client.ReadIndexListAsync(ct).ConfigureAwait(false))
                    infos.Add(await client.ReadControllerInfoAsync(i, ct).ConfigureAwait(false));
            if (parse.GetValue(json)) context.Console.Out.WriteLine(FormatInfoJson(infos));
            else foreach (var i in infos) context.Console.Out.WriteLine(FormatInfo(i));
            return ExitCodes.Success;
        });
        return command;
    }

    public static string FormatInfo(ControllerInfo i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return string.Create(CultureInfo.InvariantCulture,
            $"{i.AdapterName} {i.AddressText} {(i.CurrentSettings.HasFlag(MgmtSettings.Powered) ? "on" : "off")} name=\"{i.Name}\" version={i.BluetoothVersion} manufacturer={i.Manufacturer} class=0x{i.ClassOfDevice:x6} settings={string.Join(',', SettingNames(i.CurrentSettings))}");
    }

    public static string FormatInfoJson(IReadOnlyList<ControllerInfo> infos) => Json.Write(w =>
    {
        w.WriteStartArray();
        foreach (var i in infos)
        {
            w.WriteStartObject();
            w.WriteString("adapter", i.AdapterName);
            w.WriteString("address", i.AddressText);
            w.WriteBoolean("powered", i.CurrentSettings.HasFlag(MgmtSettings.Powered));
            w.WriteString("name", i.Name);
            w.WriteString("shortName", i.ShortName);
            w.WriteNumber("version", i.BluetoothVersion);
            w.WriteNumber("manufacturer", i.Manufacturer);
            w.WriteNumber("class", i.ClassOfDevice);
            w.WriteStartArray("settings");
            foreach (var s in SettingNames(i.CurrentSettings)) w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteStartArray("supportedSettings");
            foreach (var s in SettingNames(i.SupportedSettings)) w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>Setting names as btmgmt prints them.</summary>
    public static IEnumerable<string> SettingNames(MgmtSettings s)
    {
        (MgmtSettings Flag, string Name)[] names =
        [
            (MgmtSettings.Powered, "powered"), (MgmtSettings.Connectable, "connectable"), (MgmtSettings.FastConnectable, "fast-connectable"),
            (MgmtSettings.Discoverable, "discoverable"), (MgmtSettings.Bondable, "bondable"), (MgmtSettings.LinkSecurity, "link-security"),
            (MgmtSettings.SecureSimplePairing, "ssp"), (MgmtSettings.BrEdr, "br/edr"), (MgmtSettings.HighSpeed, "hs"), (MgmtSettings.LowEnergy, "le"),
            (MgmtSettings.Advertising, "advertising"), (MgmtSettings.SecureConnections, "secure-conn"), (MgmtSettings.DebugKeys, "debug-keys"),
            (MgmtSettings.Privacy, "privacy"), (MgmtSettings.ControllerConfiguration, "configuration"), (MgmtSettings.StaticAddress, "static-addr"),
            (MgmtSettings.PhyConfiguration, "phy-configuration"), (MgmtSettings.WidebandSpeech, "wide-band-speech"),
        ];
        return names.Where(n => s.HasFlag(n.Flag)).Select(n => n.Name);
    }

    private static Command Power(ToolContext context)
    {
        var state = new Argument<string>("STATE") { Description = "on or off" };
        state.AcceptOnlyFromAmong("on", "off");
        var adapter = AdapterOption();
        var command = new Command("power", "Power a controller on or off") { state, adapter };
        context.SetAction(command, async (parse, ct) =>
        {
            await using var client = OpenMgmt(context);
            var info = await SelectAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var settings = await client.SetPoweredAsync(info.Index, parse.GetValue(state) == "on", ct).ConfigureAwait(false);
            context.Console.Out.WriteLine($"{info.AdapterName}: {(settings.HasFlag(MgmtSettings.Powered) ? "on" : "off")}");
            return ExitCodes.Success;
        });
        return command;
    }

    internal static Option<string> BondsOption() => new("--bonds")
    {
        Description = "Bond store directory (default: $SHORTRANGE_BONDS or ~/.local/share/shortrange/bonds)",
        DefaultValueFactory = _ => DefaultBondDirectory(),
    };

    private static string DefaultBondDirectory()
    {
        if (Environment.GetEnvironmentVariable("SHORTRANGE_BONDS") is { Length: > 0 } env) return env;
        string data = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(data, "shortrange", "bonds");
    }

    private static Command Pair(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The peer's address (AA:BB:CC:DD:EE:FF)" };
        var adapter = AdapterOption();
        var type = AddressTypeOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Accept numeric comparison without asking" };
        var pin = new Option<string?>("--pin") { Description = "PIN for legacy pairing" };
        var bonds = BondsOption();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the pairing to finish", DefaultValueFactory = _ => 60 };
        var command = new Command("pair", "Pair and bond with a device (numeric comparison, passkey or PIN)") { address, adapter, type, yes, pin, bonds, timeout };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, parse.GetValue(type)!);
            await using var client = OpenMgmt(context);
            var info = await SelectAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            await PrepareForPairingAsync(client, info, ct).ConfigureAwait(false);
            var store = new BondStore(parse.GetValue(bonds)!);
            var agent = new ConsolePairingAgent(context.Console, parse.GetValue(yes), parse.GetValue(pin));
            await using var session = new PairingSession(client, info.Index, agent, store, context.Logger("bt.pairing"));
            await session.StartAsync(ct).ConfigureAwait(false);
            context.Console.Error.WriteLine($"{info.AdapterName}: pairing with {peer}…");
            try
            {
                await session.PairAsync(peer, IoCapability.DisplayYesNo, ct)
                    .WaitAsync(TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await session.CancelPairingAsync(peer, CancellationToken.None).ConfigureAwait(false);
                throw new FailureException($"pairing with {peer} did not finish within {parse.GetValue(timeout)} s");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: tell the kernel to stop pairing before we leave.
                try { await session.CancelPairingAsync(peer, CancellationToken.None).ConfigureAwait(false); }
                catch (BluetoothException) { }
                throw;
            }
            // The kernel reports New Link Key just after Pair Device completes; give the session a moment to store it.
            for (int i = 0; i < 40 && store.Find(info.Address, peer) is null; i++) await Task.Delay(50, ct).ConfigureAwait(false);
            bool stored = store.Find(info.Address, peer) is not null;
            context.Console.Out.WriteLine($"paired {info.AdapterName} with {peer}{(stored ? "; bond stored in " + parse.GetValue(bonds) : "")}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Bondable and Secure Simple Pairing on; SSP can only change while the controller is off. The controller's IO
    /// capability is left alone: Pair Device carries its own, and a changed one would outlive this command and make
    /// later incoming pairings wait for a confirmation nobody answers.
    /// </summary>
    private static async Task PrepareForPairingAsync(MgmtClient client, ControllerInfo info, CancellationToken ct)
    {
        var s = info.CurrentSettings;
        bool wantSsp = info.SupportedSettings.HasFlag(MgmtSettings.SecureSimplePairing) && !s.HasFlag(MgmtSettings.SecureSimplePairing);
        if (wantSsp && s.HasFlag(MgmtSettings.Powered)) await client.SetPoweredAsync(info.Index, false, ct).ConfigureAwait(false);
        if (wantSsp) await client.SetSecureSimplePairingAsync(info.Index, true, ct).ConfigureAwait(false);
        if (!s.HasFlag(MgmtSettings.Bondable)) await client.SetBondableAsync(info.Index, true, ct).ConfigureAwait(false);
        if (!s.HasFlag(MgmtSettings.Powered) || wantSsp) await client.SetPoweredAsync(info.Index, true, ct).ConfigureAwait(false);
    }

    private static Command Unpair(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The peer's address" };
        var adapter = AdapterOption();
        var type = AddressTypeOption();
        var bonds = BondsOption();
        var command = new Command("unpair", "Remove a bond (kernel keys and the stored bond) and disconnect") { address, adapter, type, bonds };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, parse.GetValue(type)!);
            await using var client = OpenMgmt(context);
            var info = await SelectAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var agent = new ConsolePairingAgent(context.Console, false, null);
            await using var session = new PairingSession(client, info.Index, agent, new BondStore(parse.GetValue(bonds)!), context.Logger("bt.pairing"));
            await session.StartAsync(ct).ConfigureAwait(false);
            await session.UnpairAsync(peer, ct).ConfigureAwait(false);
            context.Console.Out.WriteLine($"unpaired {info.AdapterName} from {peer}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Bonds(ToolContext context)
    {
        var adapter = AdapterOption();
        var bonds = BondsOption();
        var json = new Option<bool>("--json") { Description = "A JSON array for scripts" };
        var command = new Command("bonds", "List the stored bonds of a controller") { adapter, bonds, json };
        context.SetAction(command, async (parse, ct) =>
        {
            ControllerInfo info;
            await using (var client = OpenMgmt(context))
                info = await SelectAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
            var list = new BondStore(parse.GetValue(bonds)!).Load(info.Address, out var errors);
            foreach (var e in errors) context.Console.Error.WriteLine($"skipped unreadable bond file {e.Path}: {e.Reason}");
            if (parse.GetValue(json))
                context.Console.Out.WriteLine(Json.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var b in list)
                    {
                        w.WriteStartObject();
                        w.WriteString("adapter", info.AdapterName);
                        w.WriteString("address", b.Address.ToString());
                        w.WriteString("type", TypeName(b.Address.Type));
                        w.WriteBoolean("linkKey", b.LinkKey is not null);
                        w.WriteNumber("longTermKeys", b.LongTermKeys.Count);
                        w.WriteBoolean("irk", b.Irk is not null);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }));
            else
                foreach (var b in list)
                    context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{info.AdapterName} {b.Address} {TypeName(b.Address.Type)} link-key={(b.LinkKey is null ? "no" : "yes")} ltks={b.LongTermKeys.Count} irk={(b.Irk is null ? "no" : "yes")}"));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string TypeName(BluetoothAddressType t) => t switch
    {
        BluetoothAddressType.LePublic => "le-public",
        BluetoothAddressType.LeRandom => "le-random",
        _ => "bredr",
    };

    private static Command Capture(ToolContext context)
    {
        var file = new Argument<string>("FILE") { Description = "btsnoop file to write (read it with btmon -r or Wireshark)" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var command = new Command("capture", "Capture the HCI traffic of every controller to a btsnoop file until Ctrl+C") { file, duration };
        context.SetAction(command, async (parse, ct) =>
        {
            using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(duration) is { } d)
            {
                if (d <= 0) throw new UsageException("--duration must be positive");
                until.CancelAfter(TimeSpan.FromSeconds(d));
            }
            string path = parse.GetValue(file)!;
            var capture = new MonitorCapture(context.Logger("bt.monitor"));
            var running = capture.CaptureToFileAsync(path, until.Token);
            context.Console.Error.WriteLine($"capturing HCI traffic to {path} (Ctrl+C to stop)");
            await running.ConfigureAwait(false);
            long size = new FileInfo(path).Length;
            context.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} bytes written to {path}{(capture.Dropped > 0 ? $", {capture.Dropped} malformed frames dropped" : "")}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
