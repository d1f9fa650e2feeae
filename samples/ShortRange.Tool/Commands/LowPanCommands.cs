using System.CommandLine;
using System.Globalization;
using System.Net;
using ShortRange.LowPan.Adapters;
using ShortRange.LowPan.Capture;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.Nl802154;
using ShortRange.LowPan.Transport;
using ShortRange.LowPan.Tun;
using ShortRange.Tool.Infrastructure;
using ShortRange.Tool.Output;

namespace ShortRange.Tool.Commands;

/// <summary><c>lowpan config|up|listen|capture|decode</c> over ShortRange.LowPan.</summary>
public static class LowPanCommands
{
    private const int EBUSY = 16;

    public static Command Create(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("lowpan", "IEEE 802.15.4 interfaces and 6LoWPAN")
        {
            Config(context), Up(context), Listen(context), Capture(context), Decode(context),
        };
    }

    private static Argument<string> Interface() => new("IFACE") { Description = "The wpan interface (wpan0)" };

    private static Option<double?> Duration() => new("--duration") { Description = "Stop after this many seconds (default: until Ctrl+C)" };

    private static CancellationTokenSource Until(double? seconds, CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (seconds is { } s)
        {
            if (s <= 0) throw new UsageException("--duration must be positive");
            cts.CancelAfter(TimeSpan.FromSeconds(s));
        }
        return cts;
    }

    private static async Task<WpanInterfaceInfo> FindAsync(Nl802154Client nl, string name, CancellationToken ct) =>
        (await nl.ListInterfacesAsync(ct).ConfigureAwait(false)).FirstOrDefault(i => i.Name == name)
        ?? throw new FailureException($"no IEEE 802.15.4 interface named '{name}' (see: shortrange adapters)");

    private static Command Config(ToolContext context)
    {
        var iface = Interface();
        var pan = new Option<string?>("--pan-id") { Description = "PAN identifier (0xbeef or decimal)" };
        var shortAddr = new Option<string?>("--short-addr") { Description = "Short address (0x0001 or decimal)" };
        var channel = new Option<byte?>("--channel") { Description = "Channel (11-26 on page 0)" };
        var page = new Option<byte>("--page") { Description = "Channel page", DefaultValueFactory = _ => 0 };
        var command = new Command("config", "Show or set PAN ID, short address and channel of a wpan interface") { iface, pan, shortAddr, channel, page };
        context.SetAction(command, async (parse, ct) =>
        {
            string name = parse.GetValue(iface)!;
            ushort? panId = parse.GetValue(pan) is { } p ? Hex.ParseUInt16(p, "--pan-id") : null;
            ushort? sa = parse.GetValue(shortAddr) is { } s ? Hex.ParseUInt16(s, "--short-addr") : null;
            using var nl = await Nl802154Client.OpenAsync(ct).ConfigureAwait(false);
            var info = await FindAsync(nl, name, ct).ConfigureAwait(false);
            if (panId is not null || sa is not null)
            {
                // The kernel refuses PAN ID / short address changes while the interface is up (EBUSY): down, set, restore.
                bool wasUp = WpanInterface.List().FirstOrDefault(w => w.Name == name)?.IsUp ?? false;
                if (wasUp) await Nl802154Client.SetLinkUpAsync((int)info.InterfaceIndex, false, ct).ConfigureAwait(false);
                try
                {
                    if (panId is { } pv) await nl.SetPanIdAsync((int)info.InterfaceIndex, pv, ct).ConfigureAwait(false);
                    if (sa is { } sv) await nl.SetShortAddressAsync((int)info.InterfaceIndex, sv, ct).ConfigureAwait(false);
                }
                catch (LowPan.Errors.LowPanSystemException e) when (e.Errno == EBUSY)
                {
                    // The kernel also refuses while a 6LoWPAN interface on top of IFACE is running.
                    throw new FailureException($"{name} is busy: bring down the 6LoWPAN interface on it first (ip link set lowpan0 down)", e);
                }
                finally
                {
                    if (wasUp) await Nl802154Client.SetLinkUpAsync((int)info.InterfaceIndex, true, CancellationToken.None).ConfigureAwait(false);
                }
            }
            if (parse.GetValue(channel) is { } ch)
                await nl.SetChannelAsync(info.Phy, parse.GetValue(page), ch, ct).ConfigureAwait(false);
            info = await FindAsync(nl, name, ct).ConfigureAwait(false);
            var phy = (await nl.ListPhysAsync(ct).ConfigureAwait(false)).FirstOrDefault(x => x.Index == info.Phy);
            context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{info.Name}: phy {phy?.Name ?? info.Phy.ToString(CultureInfo.InvariantCulture)} pan-id 0x{info.PanId:x4} short-addr 0x{info.ShortAddress:x4} extended-addr {MacAddress.FormatExtended(info.ExtendedAddress)} channel {phy?.Channel?.ToString(CultureInfo.InvariantCulture) ?? "?"} page {phy?.Page?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Up(ToolContext context)
    {
        var iface = Interface();
        var tunName = new Option<string>("--name") { Description = "Name of the TUN interface", DefaultValueFactory = _ => "lowpan%d" };
        var duration = Duration();
        var command = new Command("up", "Bridge the host's IPv6 stack to IFACE through ShortRange's 6LoWPAN (a TUN interface) until Ctrl+C")
        {
            iface, tunName, duration,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            string name = parse.GetValue(iface)!;
            using var until = Until(parse.GetValue(duration), ct);
            WpanInterfaceInfo info;
            using (var nl = await Nl802154Client.OpenAsync(ct).ConfigureAwait(false))
                info = await FindAsync(nl, name, ct).ConfigureAwait(false);
            var link = new LowPanLink(new LowPanLinkOptions
            {
                PanId = info.PanId,
                ExtendedAddress = info.ExtendedAddress,
                ShortAddress = info.ShortAddress,
            });
            var transport = PacketFrameTransport.Open(name);
            TunDevice tun;
            try { tun = TunDevice.Create(parse.GetValue(tunName)!); }
            catch
            {
                await transport.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            await using (var bridge = new LowPanTunBridge(tun, link, transport, context.Logger("lowpan")))
            {
                bridge.Start();
                context.Console.Out.WriteLine($"{tun.Name} is up on {name}: {new IPAddress(link.LinkLocalAddress)}/64 (Ctrl+C to stop)");
                await context.Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await WaitAsync(until.Token).ConfigureAwait(false);
                context.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{tun.Name}: {bridge.PacketsToRadio} packets to the radio, {bridge.PacketsToHost} to the host, {link.Drops.Total} dropped"));
            }
            await transport.DisposeAsync().ConfigureAwait(false);
            tun.Dispose();
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Listen(ToolContext context)
    {
        var iface = Interface();
        var duration = Duration();
        var count = new Option<int?>("--count") { Description = "Stop after this many IPv6 packets" };
        var format = FormatOption();
        var command = new Command("listen", "Print every IPv6 packet heard on IFACE (reassembled and decompressed) until Ctrl+C")
        {
            iface, duration, count, format,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            using var until = Until(parse.GetValue(duration), ct);
            bool hex = parse.GetValue(format) == "hex";
            int? max = parse.GetValue(count);
            await using var transport = PacketFrameTransport.Open(parse.GetValue(iface)!);
            context.Console.Error.WriteLine($"listening on {transport.InterfaceName} (Ctrl+C to stop)");
            var decoder = new FrameDecoder();
            var buffer = new byte[256];
            int packets = 0;
            while (max is null || packets < max)
            {
                int n;
                try { n = await transport.ReceiveAsync(buffer, until.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (until.IsCancellationRequested) { break; }
                var packet = decoder.Decode(buffer.AsSpan(0, n), out _);
                if (packet is null) continue;
                context.Console.Out.WriteLine(hex ? Hex.Lower(packet) : Ipv6Text.Format(packet));
                await context.Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                packets++;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Capture(ToolContext context)
    {
        var iface = Interface();
        var file = new Argument<string>("FILE") { Description = "pcap file to write (LINKTYPE_IEEE802_15_4_NOFCS)" };
        var duration = Duration();
        var count = new Option<int?>("--count") { Description = "Stop after this many frames" };
        var command = new Command("capture", "Write every 802.15.4 frame on IFACE to a pcap file until Ctrl+C") { iface, file, duration, count };
        context.SetAction(command, async (parse, ct) =>
        {
            using var until = Until(parse.GetValue(duration), ct);
            int? max = parse.GetValue(count);
            await using var transport = PacketFrameTransport.Open(parse.GetValue(iface)!);
            string path = parse.GetValue(file)!;
            int frames = 0;
            using (var writer = new PcapWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)))
            {
                context.Console.Error.WriteLine($"capturing {transport.InterfaceName} to {path} (Ctrl+C to stop)");
                var buffer = new byte[256];
                while (max is null || frames < max)
                {
                    int n;
                    try { n = await transport.ReceiveAsync(buffer, until.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) when (until.IsCancellationRequested) { break; }
                    writer.Write(buffer.AsSpan(0, n), DateTimeOffset.UtcNow);
                    writer.Flush();
                    frames++;
                }
            }
            context.Console.Error.WriteLine($"{frames} frames written to {path}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string> FormatOption()
    {
        var format = new Option<string>("--format") { Description = "text (a header dump per packet) or hex (the packet in lowercase hex)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "hex");
        return format;
    }

    private static Command Decode(ToolContext context)
    {
        var frames = new Argument<string[]>("FRAME") { Description = "802.15.4 frames in hex as AF_PACKET delivers them (no FCS), in order", Arity = ArgumentArity.OneOrMore };
        var format = FormatOption();
        var command = new Command("decode", "Print the IPv6 packets that the given 802.15.4 frames complete, one per line") { frames, format };
        context.SetAction(command, (parse, ct) =>
        {
            var inputs = parse.GetValue(frames)!;
            // Parse every argument first: a typo is a usage error before anything is printed.
            var bytes = inputs.Select((f, i) => Hex.Parse(f, $"FRAME {i + 1}")).ToList();
            bool hex = parse.GetValue(format) == "hex";
            var decoder = new FrameDecoder();
            int failed = 0;
            for (int i = 0; i < bytes.Count; i++)
            {
                var packet = decoder.Decode(bytes[i], out var drop);
                if (packet is not null) context.Console.Out.WriteLine(hex ? Hex.Lower(packet) : Ipv6Text.Format(packet));
                else if (drop is { } d)
                {
                    // Frames that carry no IPv6 (acks, beacons, MAC commands) are skipped; malformed ones fail the command.
                    bool malformed = d.Reason != LowPan.Errors.DropReason.NotForUs;
                    if (malformed) failed++;
                    context.Console.Error.WriteLine($"frame {i + 1}: {(malformed ? "malformed" : "skipped")}: {d.Detail.TrimEnd('.')} ({d.Reason})");
                }
            }
            if (decoder.Incomplete > 0)
                context.Console.Error.WriteLine($"{decoder.Incomplete} datagram(s) incomplete: fragments missing");
            return Task.FromResult(failed > 0 ? ExitCodes.Failure : ExitCodes.Success);
        });
        return command;
    }

    private static async Task WaitAsync(CancellationToken ct)
    {
        try { await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}
