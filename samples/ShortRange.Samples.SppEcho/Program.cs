// SPP echo: `device [ADAPTER_ADDR]` publishes a Serial Port record and echoes every line;
// `client PEER_ADDR [LOCAL_ADDR]` finds the echo device's channel by the SPP UUID and talks to it.
// Addresses are written AA:BB:CC:DD:EE:FF. The device needs PSM 1 free (no bluetoothd running).
using System.Globalization;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.Bluetooth.Sdp;

static ulong Addr(string? s) => s is null ? 0 : ulong.Parse(s.Replace(":", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

switch (args.FirstOrDefault())
{
    case "device":
    {
        ulong local = Addr(args.ElementAtOrDefault(1));
        using var listener = RfcommListener.Listen(local);                  // channel 0: the kernel picks one
        var sdp = new SdpDatabase();
        sdp.Add(SdpRecords.SerialPort(sdp.AllocateHandle(), listener.Channel, "SPP echo"));
        await using var server = SdpServer.Start(sdp, local);               // SdpServerBusyException if bluetoothd runs
        Console.WriteLine($"SPP echo on RFCOMM channel {listener.Channel}; Ctrl+C to stop");
        try
        {
            await foreach (var stream in listener.AcceptAllAsync(stop.Token))
            {
                await using (stream)
                    await stream.CopyToAsync(stream, stop.Token);           // echo until the client closes
                Console.WriteLine("client left");
            }
        }
        catch (OperationCanceledException) { }
        return 0;
    }
    case "client" when args.Length >= 2:
    {
        var stream = await RfcommStream.ConnectAsync(Addr(args.ElementAtOrDefault(2)), Addr(args[1]),
            SdpUuid.FromShort(SdpUuid.SerialPort), cancellationToken: stop.Token);
        using var reader = new StreamReader(stream);
        var writer = new StreamWriter(stream) { AutoFlush = true };
        Console.WriteLine($"connected to channel {stream.RemoteAddress.Channel}; type lines, Ctrl+D to end");
        while (Console.ReadLine() is { } line)
        {
            await writer.WriteLineAsync(line.AsMemory(), stop.Token);
            Console.WriteLine("echo: " + await reader.ReadLineAsync(stop.Token));
        }
        await stream.CloseAsync();
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: SppEcho device [LOCAL_ADDR] | client PEER_ADDR [LOCAL_ADDR]");
        return 2;
}
