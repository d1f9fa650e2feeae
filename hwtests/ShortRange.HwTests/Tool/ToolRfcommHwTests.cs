using System.Globalization;
using System.Text;
using System.Text.Json;
using ShortRange.Bluetooth.Rfcomm;
using ShortRange.Bluetooth.Sdp;
using ShortRange.HwTests.Bluetooth;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Tool;

/// <summary>
/// `shortrange bt sdp` and `bt rfcomm connect|listen` as separate processes against our SDK on the other controller,
/// and the SPP echo sample (device on hci1, client on hci0) run once as a user would. Every exchange closes the
/// client side first.
/// </summary>
public class ToolRfcommHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static void Ok(ProcessResult r) => Assert.True(r.ExitCode == 0, $"{r.Command}: exit {r.ExitCode}; stderr: {r.StandardError}; stdout: {r.StandardOutput}");

    private static async Task<string> ReadLineAsync(Stream s)
    {
        var line = new StringBuilder();
        var b = new byte[1];
        while (await s.ReadAsync(b, Ct).AsTask().WaitAsync(Bound, Ct) == 1 && b[0] != (byte)'\n') line.Append((char)b[0]);
        return line.ToString();
    }

    [Fact]
    public async Task Bt_sdp_json_lists_the_records_our_server_publishes()
    {
        var (localName, _) = LabRequire.BluetoothPair();
        var (_, peer) = await L2capLab.BrEdrAsync(Ct);
        var db = new SdpDatabase();
        db.Add(SdpRecords.SerialPort(db.AllocateHandle(), 5, "Tool SPP"));
        db.Add(SdpRecords.Pan(db.AllocateHandle(), SdpUuid.NAP));
        await using (SdpServer.Start(db, peer))
        {
            var r = ShortRangeTool.Run("bt", "sdp", RfcommHwTests.Format(peer), "--adapter", localName, "--json");
            Ok(r);
            using var doc = JsonDocument.Parse(r.StandardOutput);
            var records = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(2, records.Count);
            var spp = Assert.Single(records, e => e.GetProperty("name").GetString() == "Tool SPP");
            Assert.Equal(5, spp.GetProperty("rfcommChannel").GetInt32());
            Assert.Contains("0x1101", spp.GetProperty("serviceClasses").EnumerateArray().Select(c => c.GetString()));
            var nap = Assert.Single(records, e => e.GetProperty("serviceClasses").EnumerateArray().Any(c => c.GetString() == "0x1116"));
            Assert.Equal(0x000F, nap.GetProperty("l2capPsm").GetInt32()); // BNEP's PSM
        }
    }

    [Fact]
    public async Task Bt_rfcomm_connect_by_uuid_bridges_stdin_and_stdout()
    {
        var (localName, _) = LabRequire.BluetoothPair();
        var (_, peer) = await L2capLab.BrEdrAsync(Ct);
        using var listener = RfcommListener.Listen(peer);
        var db = new SdpDatabase();
        db.Add(SdpRecords.SerialPort(db.AllocateHandle(), listener.Channel, "Tool SPP"));
        await using var sdp = SdpServer.Start(db, peer);
        var accept = listener.AcceptAsync(Ct);
        using var tool = ShortRangeTool.Start("bt", "rfcomm", "connect", RfcommHwTests.Format(peer), "--uuid", "0x1101", "--adapter", localName);
        await using var server = await accept.WaitAsync(Bound, Ct);
        tool.WaitForError($"channel {listener.Channel}");
        await server.WriteAsync(Encoding.ASCII.GetBytes("pong from the SDK\n"), Ct);
        Assert.True(tool.WaitForOut(l => l == "pong from the SDK", Bound), "stdout: " + string.Join(" | ", tool.Out) + "; stderr: " + string.Join(" | ", tool.Error));
        tool.WriteInput("ping from stdin\n");
        tool.CloseInput(); // EOF: the tool closes its side gracefully after the line
        Assert.Equal("ping from stdin", await ReadLineAsync(server));
        Assert.Equal(0, await server.ReadAsync(new byte[1], Ct).AsTask().WaitAsync(Bound, Ct));
        Assert.Equal(0, tool.WaitForExit());
    }

    [Fact]
    public async Task Bt_rfcomm_listen_bridges_a_connection_to_stdin_and_stdout()
    {
        var (_, peerName) = LabRequire.BluetoothPair();
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        using var tool = ShortRangeTool.Start("bt", "rfcomm", "listen", "--adapter", peerName);
        tool.WaitForError("listening on channel ");
        string said = tool.Error.First(l => l.StartsWith("listening on channel ", StringComparison.Ordinal));
        byte channel = byte.Parse(said.AsSpan("listening on channel ".Length), CultureInfo.InvariantCulture);
        var client = await RfcommStream.ConnectAsync(local, peer, channel, cancellationToken: Ct);
        try
        {
            tool.WaitForError("connection from");
            await client.WriteAsync(Encoding.ASCII.GetBytes("hello from the SDK\n"), Ct);
            Assert.True(tool.WaitForOut(l => l == "hello from the SDK", Bound), "stdout: " + string.Join(" | ", tool.Out) + "; stderr: " + string.Join(" | ", tool.Error));
            tool.WriteInput("hello from stdin\n");
            Assert.Equal("hello from stdin", await ReadLineAsync(client));
        }
        finally
        {
            client.Abort(); // client first; the tool sees the end of the stream and exits
        }
        Assert.Equal(0, tool.WaitForExit());
    }

    [Fact]
    public async Task Spp_echo_sample_device_and_client_talk_through_sdp_and_rfcomm()
    {
        var (local, peer) = await L2capLab.BrEdrAsync(Ct);
        string dll = Path.Combine(AppContext.BaseDirectory, "ShortRange.Samples.SppEcho.dll");
        LabRequire.That(File.Exists(dll), $"the SPP echo sample is not beside the test assembly: {dll}");
        using var device = new ShortRangeTool.Running(dll, ["device", RfcommHwTests.Format(peer)]);
        Assert.True(device.WaitForOut(l => l.StartsWith("SPP echo on RFCOMM channel ", StringComparison.Ordinal), Bound),
            "device: " + string.Join(" | ", device.Out) + string.Join(" | ", device.Error));
        using (var client = new ShortRangeTool.Running(dll, ["client", RfcommHwTests.Format(peer), RfcommHwTests.Format(local)]))
        {
            Assert.True(client.WaitForOut(l => l.StartsWith("connected to channel ", StringComparison.Ordinal), Bound),
                "client: " + string.Join(" | ", client.Out) + string.Join(" | ", client.Error));
            client.WriteInput("hello over SPP\n");
            Assert.True(client.WaitForOut(l => l == "echo: hello over SPP", Bound), "client: " + string.Join(" | ", client.Out) + string.Join(" | ", client.Error));
            client.CloseInput();
            Assert.Equal(0, client.WaitForExit());
            Console.WriteLine("@@SPPECHO client: " + string.Join(" | ", client.Out));
        }
        Assert.True(device.WaitForOut(l => l == "client left", Bound), "device: " + string.Join(" | ", device.Out));
        device.Interrupt();
        Assert.Equal(0, device.WaitForExit());
        Console.WriteLine("@@SPPECHO device: " + string.Join(" | ", device.Out));
    }
}
