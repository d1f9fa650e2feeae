using System.CommandLine;
using ShortRange.Bluetooth.Bnep;
using ShortRange.Devices;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

// bt pan connect|listen: PanClient / PanServer from ShortRange.Bluetooth (BNEP; the kernel's bnepN does the Ethernet).
public static partial class BluetoothCommands
{
    private static Command Pan(ToolContext context) => new("pan", "Bluetooth PAN (BNEP): join a NAP/GN or serve one")
    {
        PanConnect(context), PanListen(context),
    };

    private static Option<string> RoleOption(string description)
    {
        var role = new Option<string>("--role") { Description = description, DefaultValueFactory = _ => "nap" };
        role.AcceptOnlyFromAmong("nap", "gn");
        return role;
    }

    private static BnepRole Role(string name) => name == "gn" ? BnepRole.Gn : BnepRole.Nap;

    private static Option<double?> DurationOption() => new("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };

    private static async Task<BluetoothDeviceAddress> LocalAsync(ToolContext context, string? adapter, CancellationToken ct)
    {
        await using var client = OpenMgmt(context);
        var info = await SelectAsync(client, adapter, ct).ConfigureAwait(false);
        if (!info.CurrentSettings.HasFlag(Bluetooth.Mgmt.MgmtSettings.Connectable))
            await client.SetConnectableAsync(info.Index, true, ct).ConfigureAwait(false);
        if (!info.CurrentSettings.HasFlag(Bluetooth.Mgmt.MgmtSettings.Powered))
            await client.SetPoweredAsync(info.Index, true, ct).ConfigureAwait(false);
        return new BluetoothDeviceAddress(info.Address, BluetoothAddressType.BrEdr);
    }

    private static async Task HoldAsync(Task down, double? seconds, CancellationToken ct)
    {
        using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (seconds is { } s) until.CancelAfter(TimeSpan.FromSeconds(s));
        try { await down.WaitAsync(until.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (until.IsCancellationRequested) { }
    }

    private static Command PanConnect(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The NAP or GN to join" };
        var adapter = AdapterOption();
        var role = RoleOption("What the peer serves: nap or gn");
        var duration = DurationOption();
        var command = new Command("connect", "Join a PAN as PANU; the bnepN interface stays up until Ctrl+C") { address, adapter, role, duration };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, "bredr");
            var local = await LocalAsync(context, parse.GetValue(adapter), ct).ConfigureAwait(false);
            await using var connection = await PanClient.ConnectAsync(local, peer, Role(parse.GetValue(role)!), BnepRole.Panu,
                logger: context.Logger("bt.pan"), cancellationToken: ct).ConfigureAwait(false);
            context.Console.Out.WriteLine($"{connection.InterfaceName} is up: PANU of {connection.RemoteRole.ToString().ToUpperInvariant()} {peer} (Ctrl+C to disconnect)");
            await context.Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await HoldAsync(connection.Down, parse.GetValue(duration), ct).ConfigureAwait(false);
            if (connection.Down.IsCompleted) context.Console.Error.WriteLine($"{connection.InterfaceName}: the peer ended the session");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command PanListen(ToolContext context)
    {
        var adapter = AdapterOption();
        var role = RoleOption("What to serve: nap (bridged network access point) or gn (group network)");
        var bridge = new Option<string>("--bridge") { Description = "Bridge the bnepN interfaces join", DefaultValueFactory = _ => "pan0" };
        var count = new Option<int?>("--count") { Description = "Exit after this many sessions have ended" };
        var duration = DurationOption();
        var command = new Command("listen", "Serve a PAN (NAP or GN) on PSM 0x000F until Ctrl+C") { adapter, role, bridge, count, duration };
        context.SetAction(command, async (parse, ct) =>
        {
            var local = await LocalAsync(context, parse.GetValue(adapter), ct).ConfigureAwait(false);
            using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(duration) is { } d) until.CancelAfter(TimeSpan.FromSeconds(d));
            await using var server = await PanServer.StartAsync(local, Role(parse.GetValue(role)!), new PanOptions { BridgeName = parse.GetValue(bridge)! },
                context.Logger("bt.pan"), ct).ConfigureAwait(false);
            context.Console.Error.WriteLine($"{local}: serving {server.Role.ToString().ToUpperInvariant()}{(server.BridgeName is { } b ? " on " + b : "")} (Ctrl+C to stop)");
            await context.Console.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            int? max = parse.GetValue(count);
            int ended = 0;
            var sessions = new List<BnepConnection>();
            try
            {
                while (max is null || ended < max)
                {
                    var connection = await server.AcceptAsync(until.Token).ConfigureAwait(false);
                    sessions.Add(connection);
                    context.Console.Out.WriteLine($"{connection.InterfaceName} is up for {connection.Peer} ({connection.RemoteRole.ToString().ToUpperInvariant()})");
                    await context.Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    _ = connection.Down.ContinueWith(_ =>
                    {
                        context.Console.Out.WriteLine($"{connection.InterfaceName} is down ({connection.Peer})");
                        if (Interlocked.Increment(ref ended) == max) until.Cancel();
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested) { }
            foreach (var s in sessions) await s.DisposeAsync().ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
