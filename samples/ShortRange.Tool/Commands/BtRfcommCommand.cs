using System.CommandLine;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.Bluetooth.Sdp;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

// bt rfcomm connect|listen: RfcommStream is a Stream, so the bridge to stdin/stdout is two CopyToAsync calls (like socat).
public static partial class BluetoothCommands
{
    private static Command Rfcomm(ToolContext context) => new("rfcomm", "RFCOMM serial channels: a stdin/stdout bridge")
    {
        RfcommConnect(context), RfcommListen(context),
    };

    private static Command RfcommConnect(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The peer's BR/EDR address" };
        var channel = new Argument<byte?>("CHANNEL") { Description = "Server channel 1–30 (or give --uuid)", Arity = ArgumentArity.ZeroOrOne };
        var uuid = new Option<string?>("--uuid") { Description = "Find the channel in the peer's SDP records by service UUID (e.g. 0x1101 for SPP)" };
        var adapter = AdapterOption();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection", DefaultValueFactory = _ => 30 };
        var command = new Command("connect", "Connect to a channel and bridge it to stdin/stdout") { address, channel, uuid, adapter, timeout };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, "bredr");
            ulong local;
            await using (var mgmt = OpenMgmt(context))
                local = (await SelectAsync(mgmt, parse.GetValue(adapter), ct).ConfigureAwait(false)).Address;
            var options = new RfcommOptions { ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) };
            RfcommStream stream;
            if (parse.GetValue(uuid) is { } u) stream = await RfcommStream.ConnectAsync(local, peer.Value, SdpUuid.Parse(u), options, ct).ConfigureAwait(false);
            else if (parse.GetValue(channel) is { } ch) stream = await RfcommStream.ConnectAsync(local, peer.Value, ch, options, ct).ConfigureAwait(false);
            else throw new UsageException("give a CHANNEL or --uuid");
            context.Console.Error.WriteLine($"connected to {peer} channel {stream.RemoteAddress.Channel}");
            await BridgeAsync(stream, ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RfcommListen(ToolContext context)
    {
        var channel = new Option<byte>("--channel") { Description = "Server channel 1–30 (default: the kernel picks a free one)" };
        var adapter = AdapterOption();
        var command = new Command("listen", "Accept one connection and bridge it to stdin/stdout") { channel, adapter };
        context.SetAction(command, async (parse, ct) =>
        {
            ulong local;
            await using (var mgmt = OpenMgmt(context))
                local = (await SelectAsync(mgmt, parse.GetValue(adapter), ct).ConfigureAwait(false)).Address;
            using var listener = RfcommListener.Listen(local, parse.GetValue(channel));
            context.Console.Error.WriteLine($"listening on channel {listener.Channel}");
            await context.Console.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            var stream = await listener.AcceptAsync(ct).ConfigureAwait(false);
            context.Console.Error.WriteLine($"connection from {stream.RemoteAddress.Address:X12}");
            await BridgeAsync(stream, ct).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    // stdin → channel until EOF (then a graceful close that delivers everything), channel → stdout until the peer closes.
    private static async Task BridgeAsync(RfcommStream stream, CancellationToken ct)
    {
        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        var down = stream.CopyToAsync(stdout, ct);
        var up = stdin.CopyToAsync(stream, ct);
        var first = await Task.WhenAny(down, up).ConfigureAwait(false);
        if (first == up)
        {
            await up.ConfigureAwait(false);
            await stream.CloseAsync().ConfigureAwait(false);
            return;
        }
        await down.ConfigureAwait(false);
        stream.Abort();
    }
}
