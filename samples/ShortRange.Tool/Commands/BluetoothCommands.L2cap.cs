using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Devices;
using ShortRange.Linux.Sockets;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

// bt l2cap connect|listen: L2capSockets from ShortRange.Bluetooth; the tool only moves bytes between them and the terminal.
public static partial class BluetoothCommands
{
    private const int MaxSdu = 65535;

    private static Command L2cap(ToolContext context) => new("l2cap", "L2CAP connection-oriented channels (BR/EDR PSM or LE PSM)")
    {
        L2capConnect(context), L2capListen(context),
    };

    private static Option<ushort> PsmOption() => new("--psm") { Description = "PSM (BR/EDR: odd, ≥ 0x1001 for dynamic; LE: 0x80–0xFF)", Required = true };

    private static Option<bool> HexOption() => new("--hex") { Description = "Print received data as hex instead of text" };

    private static byte ToSocketType(BluetoothAddressType t) => t switch
    {
        BluetoothAddressType.LePublic => BluetoothSocketConstants.BDADDR_LE_PUBLIC,
        BluetoothAddressType.LeRandom => BluetoothSocketConstants.BDADDR_LE_RANDOM,
        _ => BluetoothSocketConstants.BDADDR_BREDR,
    };

    private static string Show(ReadOnlySpan<byte> data, bool hex) => hex ? Hex.Lower(data) : Encoding.UTF8.GetString(data).TrimEnd('\n');

    private static Command L2capConnect(ToolContext context)
    {
        var address = new Argument<string>("ADDR") { Description = "The peer's address" };
        var psm = PsmOption();
        var adapter = AdapterOption();
        var type = AddressTypeOption();
        var send = new Option<string?>("--send") { Description = "Send this text, print the reply and exit (default: copy stdin to the channel)" };
        var hex = HexOption();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the connection and for a reply", DefaultValueFactory = _ => 30 };
        var command = new Command("connect", "Connect to a PSM and exchange data (stdin → channel → stdout)") { address, psm, adapter, type, send, hex, timeout };
        context.SetAction(command, async (parse, ct) =>
        {
            var peer = ParseAddress(parse.GetValue(address)!, parse.GetValue(type)!);
            ulong local;
            await using (var client = OpenMgmt(context))
                local = (await SelectAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false)).Address;
            var wait = TimeSpan.FromSeconds(parse.GetValue(timeout));
            byte addressType = ToSocketType(peer.Type);
            using var socket = await L2capSockets.ConnectAsync(new L2capSocketAddress(0, local, 0, addressType),
                new L2capSocketAddress(parse.GetValue(psm), peer.Value, 0, addressType), timeout: wait, ct: ct).ConfigureAwait(false);
            context.Console.Error.WriteLine($"connected to {peer} PSM 0x{parse.GetValue(psm):x4}");
            var buffer = new byte[MaxSdu];
            if (parse.GetValue(send) is { } text)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, ct).ConfigureAwait(false);
                int n;
                try { n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).AsTask().WaitAsync(wait, ct).ConfigureAwait(false); }
                catch (TimeoutException) { throw new FailureException($"no reply from {peer} within {wait.TotalSeconds} s"); }
                if (n == 0) throw new FailureException($"{peer} closed the channel without replying");
                context.Console.Out.WriteLine(Show(buffer.AsSpan(0, n), parse.GetValue(hex)));
                return ExitCodes.Success;
            }
            // Interactive: each stdin line is one SDU; everything received is printed. Ends at EOF, peer close or Ctrl+C.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var receive = Task.Run(async () =>
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    context.Console.Out.WriteLine(Show(buffer.AsSpan(0, n), parse.GetValue(hex)));
                    await context.Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }, stop.Token);
            var input = Console.In;
            var sendLoop = Task.Run(async () =>
            {
                while (await input.ReadLineAsync(stop.Token).ConfigureAwait(false) is { } line)
                    await socket.SendAsync(Encoding.UTF8.GetBytes(line + "\n"), SocketFlags.None, stop.Token).ConfigureAwait(false);
            }, stop.Token);
            await Task.WhenAny(receive, sendLoop).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command L2capListen(ToolContext context)
    {
        var psm = PsmOption();
        var adapter = AdapterOption();
        var le = new Option<bool>("--le") { Description = "Listen on an LE PSM (credit-based) instead of BR/EDR" };
        var echo = new Option<bool>("--echo") { Description = "Send every received SDU back" };
        var count = new Option<int?>("--count") { Description = "Exit after this many received SDUs" };
        var hex = HexOption();
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };
        var command = new Command("listen", "Accept connections on a PSM and print (or echo) what arrives until Ctrl+C") { psm, adapter, le, echo, count, hex, duration };
        context.SetAction(command, async (parse, ct) =>
        {
            ulong local;
            string name;
            await using (var client = OpenMgmt(context))
            {
                var info = await SelectAsync(client, parse.GetValue(adapter), ct).ConfigureAwait(false);
                local = info.Address;
                name = info.AdapterName;
            }
            using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(duration) is { } d) until.CancelAfter(TimeSpan.FromSeconds(d));
            byte addressType = parse.GetValue(le) ? BluetoothSocketConstants.BDADDR_LE_PUBLIC : BluetoothSocketConstants.BDADDR_BREDR;
            using var listener = L2capSockets.Listen(new L2capSocketAddress(parse.GetValue(psm), local, 0, addressType));
            context.Console.Error.WriteLine($"{name}: listening on PSM 0x{parse.GetValue(psm):x4} (Ctrl+C to stop)");
            await context.Console.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            int? max = parse.GetValue(count);
            int received = 0;
            var buffer = new byte[MaxSdu];
            try
            {
                while (max is null || received < max)
                {
                    using var socket = await listener.AcceptAsync(until.Token).ConfigureAwait(false);
                    context.Console.Error.WriteLine("connection accepted");
                    while (max is null || received < max)
                    {
                        int n = await socket.ReceiveAsync(buffer, SocketFlags.None, until.Token).ConfigureAwait(false);
                        if (n == 0) break;
                        received++;
                        context.Console.Out.WriteLine(Show(buffer.AsSpan(0, n), parse.GetValue(hex)));
                        await context.Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        if (parse.GetValue(echo)) await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, until.Token).ConfigureAwait(false);
                    }
                    if (max is not null && received >= max && parse.GetValue(echo))
                        await Task.Delay(200, CancellationToken.None).ConfigureAwait(false); // let the echo leave before closing
                }
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested) { }
            return ExitCodes.Success;
        });
        return command;
    }
}
