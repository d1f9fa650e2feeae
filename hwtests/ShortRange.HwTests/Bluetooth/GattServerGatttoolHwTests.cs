using System.Diagnostics;
using System.Globalization;
using System.Text;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our GATT server (with our LE advertisement) on one controller, BlueZ's gatttool on the other: it discovers our
/// services, characteristics and descriptors, reads, writes, and receives a notification and an indication (which it
/// confirms). Assertions are on what gatttool prints (attrib/gatttool.c formats).
/// </summary>
public sealed class GattServerGatttoolHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly Guid Custom = Guid.Parse("5352a000-0000-4000-8000-00805f9b34fb");
    private static readonly Guid CustomRw = Guid.Parse("5352a001-0000-4000-8000-00805f9b34fb");

    [Fact]
    public async Task Gatttool_discovers_reads_writes_and_is_notified_and_indicated_by_our_server()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string gatttool = LabRequire.Tool("gatttool");
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);   // LE on both, legacy advertising off; restored on dispose

        // Handles 1–4: Battery (0x180F) with Battery Level read|notify|indicate and its CCCD; 5–7: custom service, read/write.
        var db = new GattDatabase();
        var battery = db.AddService(BluetoothUuid.FromShort(0x180F));
        var level = battery.AddCharacteristic(BluetoothUuid.FromShort(0x2A19),
            GattCharacteristicProperties.Read | GattCharacteristicProperties.Notify | GattCharacteristicProperties.Indicate, GattPermissions.Read, new byte[] { 0x5A });
        var custom = db.AddService(Custom);
        var written = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var rw = custom.AddCharacteristic(CustomRw, GattCharacteristicProperties.Read | GattCharacteristicProperties.Write, GattPermissions.ReadWrite,
            "hello"u8.ToArray(), onWrite: (client, value, ct) =>
            {
                if (value.Length == 1 && value.Span[0] == 0xEE) throw new GattErrorException((AttErrorCode)0x80);
                written.TrySetResult(value.ToArray());
                return ValueTask.CompletedTask;
            });
        Assert.Equal((1, 4, 3, 4, 5, 7, 7), (battery.Handle, battery.EndHandle, level.ValueHandle, level.CccdHandle, custom.Handle, custom.EndHandle, rw.ValueHandle));

        string address = LeAdvertisingLab.Format(p.LocalAddress);
        string[] target = ["-i", peer, "-t", "public", "-b", address];
        await using var server = GattServer.Start(p.LocalAddress, db);
        await using var adv = await LeAdvertisement.StartAsync(p.Mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-gatt" }, cancellationToken: Ct);

        var primary = Gatttool(gatttool, [.. target, "--primary"]);
        Assert.Contains("attr handle = 0x0001, end grp handle = 0x0004 uuid: 0000180f-0000-1000-8000-00805f9b34fb", primary, StringComparison.Ordinal);
        Assert.Contains("attr handle = 0x0005, end grp handle = 0x0007 uuid: 5352a000-0000-4000-8000-00805f9b34fb", primary, StringComparison.Ordinal);

        var chars = Gatttool(gatttool, [.. target, "--characteristics"]);
        Assert.Contains("handle = 0x0002, char properties = 0x32, char value handle = 0x0003, uuid = 00002a19-0000-1000-8000-00805f9b34fb", chars, StringComparison.Ordinal);
        Assert.Contains("handle = 0x0006, char properties = 0x0a, char value handle = 0x0007, uuid = 5352a001-0000-4000-8000-00805f9b34fb", chars, StringComparison.Ordinal);

        var desc = Gatttool(gatttool, [.. target, "--char-desc", "-s", "0x0003", "-e", "0x0004"]);
        Assert.Contains("handle = 0x0004, uuid = 00002902-0000-1000-8000-00805f9b34fb", desc, StringComparison.Ordinal);

        Assert.Contains("Characteristic value/descriptor: 5a", Gatttool(gatttool, [.. target, "--char-read", "-a", "0x0003"]), StringComparison.Ordinal);
        Assert.Contains("Characteristic value/descriptor: 68 65 6c 6c 6f", Gatttool(gatttool, [.. target, "--char-read", "-a", "0x0007"]), StringComparison.Ordinal);

        Assert.Contains("Characteristic value was written successfully",
            Gatttool(gatttool, [.. target, "--char-write-req", "-a", "0x0007", "-n", "776f726c64"]), StringComparison.Ordinal);
        Assert.Equal("world"u8.ToArray(), await written.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        // Writing 0x0003 (read-only) is refused: gatttool reports the ATT error by name.
        Assert.Contains("Attribute can't be written", Gatttool(gatttool, [.. target, "--char-write-req", "-a", "0x0003", "-n", "01"], expectFailure: true),
            StringComparison.Ordinal);

        // Notification: gatttool enables it in the CCCD and listens; we send once our server sees the CCCD.
        await ListenAsync(gatttool, [.. target, "--char-write-req", "-a", "0x0004", "-n", "0100", "--listen"], server, level, 1, [0x5B],
            "Notification handle = 0x0003 value: 5b");
        // Indication: gatttool confirms it, so our IndicateAsync completes.
        await ListenAsync(gatttool, [.. target, "--char-write-req", "-a", "0x0004", "-n", "0200", "--listen"], server, level, 2, [0x5C],
            "Indication   handle = 0x0003 value: 5c");
    }

    private static async Task ListenAsync(string gatttool, string[] args, GattServer server, GattLocalCharacteristic characteristic, ushort config, byte[] value, string expected)
    {
        var psi = new ProcessStartInfo(gatttool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Log() { lock (log) return log.ToString(); }
        try
        {
            Assert.True(LabProcess.WaitUntil(() => server.Clients.Any(c => c.GetClientConfiguration(characteristic) == config) || process.HasExited, Bound)
                && !process.HasExited, "gatttool did not configure the CCCD:\n" + Log());
            var subscribed = server.Clients.First(c => c.GetClientConfiguration(characteristic) == config);
            int sent = await server.NotifyAsync(characteristic, value, Ct).WaitAsync(Bound, Ct);
            // NotifyAsync counts the clients it reached and only logs why one failed; say it here (a failure seen once, seed 121096089).
            if (sent != 1)
                Assert.Fail($"the value update reached {sent} clients; the subscribed client's bearer: " +
                    (subscribed.Bearer.Closed.IsCompleted ? $"closed ({subscribed.Bearer.Closed.Result.GetType().Name}: {subscribed.Bearer.Closed.Result.Message})" : "open") +
                    $"; gatttool {(process.HasExited ? $"exited with {process.ExitCode}" : "still running")}:\n" + Log());
            Assert.True(LabProcess.WaitUntil(() => Log().Contains(expected, StringComparison.Ordinal), Bound), $"gatttool did not print '{expected}':\n" + Log());
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync(Ct);
        }
        // The link ends with gatttool; our server hears it (bounded), so the next connect starts clean.
        Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound), "the server still lists a client after gatttool exited");
    }

    private static string Gatttool(string gatttool, string[] args, bool expectFailure = false)
    {
        var r = LabProcess.Run(gatttool, args, Bound);
        if (!expectFailure) Assert.True(r.ExitCode == 0, r.ToString());
        return r.StandardOutput + r.StandardError;
    }
}
