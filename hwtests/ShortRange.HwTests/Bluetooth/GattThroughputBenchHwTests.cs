using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Lab benchmark, part of every lab run (it prints figures, "@@GATTBENCH" lines; it asserts only that every
/// notification and read arrived intact, never a speed): notification rate and ATT read round-trip time of our GATT client
/// beside BlueZ's gatttool (interactive mode, driven over a pipe so process start-up is not timed), on the same link,
/// against the same server (ours) and the same characteristic. Rounds alternate which client goes first. Each round the
/// server sends N notifications as fast as its socket accepts them (a big-endian sequence number); every client must
/// receive all N, in order, or the test fails. Rates are first→last arrival at the receiver (for gatttool: when its
/// line reaches us). The bluetoothd + example-gatt-server peer cannot be used for the rate: it notifies once a second.
/// Sizes: SHORTRANGE_GATT_BENCH_COUNT (notifications per round, default 300), _READS (100), _ROUNDS (3).
/// </summary>
public sealed partial class GattThroughputBenchHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly Guid Service = Guid.Parse("5352b000-0000-4000-8000-00805f9b34fb");
    private static readonly Guid Counter = Guid.Parse("5352b001-0000-4000-8000-00805f9b34fb");

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;

    [Fact]
    public async Task Notification_rate_and_read_rtt_of_our_client_beside_gatttool_on_the_same_link()
    {
        int count = Env("SHORTRANGE_GATT_BENCH_COUNT", 300), reads = Env("SHORTRANGE_GATT_BENCH_READS", 100), rounds = Env("SHORTRANGE_GATT_BENCH_ROUNDS", 3);
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string gatttool = LabRequire.Tool("gatttool");
        LabRequire.Tool("stdbuf");
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);   // LE on both, legacy advertising off; restored on dispose
        var mgmt = p.Mgmt;

        var db = new GattDatabase();
        var service = db.AddService(Service);
        var counter = service.AddCharacteristic(Counter, GattCharacteristicProperties.Read | GattCharacteristicProperties.Notify, GattPermissions.Read, new byte[4]);
        Assert.Equal((1, 3, 4), (service.Handle, counter.ValueHandle, counter.CccdHandle));
        await using var server = GattServer.Start(p.LocalAddress, db);
        await using var adv = await LeAdvertisement.StartAsync(mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-bench" }, cancellationToken: Ct);
        var target = new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic);
        string[] gatttoolArgs = ["-i", peer, "-t", "public", "-b", LeAdvertisingLab.Format(p.LocalAddress), "-I"];

        // Warm-up (not measured): JIT-compiles our client's and server's paths.
        await OursAsync(server, counter, p.PeerAddress, target, Math.Min(count, 50), 10);
        var oursRates = new List<double>(); var bluezRates = new List<double>();
        var oursRtt = new List<double>(); var bluezRtt = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < 2; k++)
            {
                if ((round + k) % 2 == 0)
                {
                    var (rate, rtt) = await OursAsync(server, counter, p.PeerAddress, target, count, reads);
                    oursRates.Add(rate); oursRtt.Add(rtt);
                }
                else
                {
                    var (rate, rtt) = await GatttoolAsync(gatttool, gatttoolArgs, server, counter, count, reads);
                    bluezRates.Add(rate); bluezRtt.Add(rtt);
                }
            }
            Report(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: notifications/s ours {oursRates[^1]:F0}, gatttool {bluezRates[^1]:F0} ({oursRates[^1] / bluezRates[^1]:F2}x); " +
                $"read RTT median ours {oursRtt[^1]:F2} ms, gatttool {bluezRtt[^1]:F2} ms"));
        }
        Report(string.Create(CultureInfo.InvariantCulture,
            $"{count} notifications x {rounds} rounds, {reads} reads/round: median notification rate ours {Median(oursRates):F0}/s, gatttool {Median(bluezRates):F0}/s, " +
            $"median of per-round ratios {Median(oursRates.Zip(bluezRates, (o, b) => o / b).ToList()):F2}x; median read RTT ours {Median(oursRtt):F2} ms, " +
            $"gatttool {Median(bluezRtt):F2} ms (ratio ours/gatttool {Median(oursRtt.Zip(bluezRtt, (o, b) => o / b).ToList()):F2}x)"));
    }

    /// <summary>
    /// Read RTT of our client against bluetoothd + example-gatt-server (Body Sensor Location 0x2A38, the script returns
    /// [0x01] through D-Bus on every read) and against our server serving the same one-byte value, on the same link
    /// (same controllers, same direction) in one bluetoothd session. Our server is started after bluetoothd's listener for
    /// its rounds (its listener then gets the link, see GattAlongsideBluetoothdHwTests) and stopped after them, so the
    /// next connect reaches bluetoothd again. Rounds alternate which server goes first.
    /// </summary>
    [Fact]
    public async Task Read_rtt_of_our_client_against_bluetoothd_example_gatt_server_and_against_our_server_on_the_same_link()
    {
        int reads = Env("SHORTRANGE_GATT_BENCH_READS", 100), rounds = Env("SHORTRANGE_GATT_BENCH_ROUNDS", 3);
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using var bluez = await BluezGattPeer.StartAsync(local, peer, Ct);
        try
        {
            ulong serverAddress, clientAddress;
            await using (var mgmt = new MgmtClient(MgmtSocketTransport.Open()))
            {
                serverAddress = (await mgmt.ReadControllerInfoAsync(LabBluetooth.Index(bluez.ServerAdapter), Ct)).Address;
                clientAddress = (await mgmt.ReadControllerInfoAsync(LabBluetooth.Index(bluez.ClientAdapter), Ct)).Address;
            }
            var link = new Link(LabBluetooth.Index(bluez.ClientAdapter), clientAddress, LabBluetooth.Index(bluez.ServerAdapter),
                new BluetoothDeviceAddress(serverAddress, BluetoothAddressType.LePublic));
            var db = new GattDatabase();
            db.AddService(Service).AddCharacteristic(Counter, GattCharacteristicProperties.Read, GattPermissions.Read, new byte[] { 0x01 });

            // Warm-up (not measured): JIT and bluetoothd's first-connection work (its GATT client discovers ours).
            await ReadRttAsync(link, BluetoothUuid.FromShort(0x180D), BluetoothUuid.FromShort(0x2A38), 10);
            await OurServerReadRttAsync(link, db, 10);
            var bluezRtt = new List<double>(); var oursRtt = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < 2; k++)
                {
                    if ((round + k) % 2 == 0)
                        bluezRtt.Add(await ReadRttAsync(link, BluetoothUuid.FromShort(0x180D), BluetoothUuid.FromShort(0x2A38), reads));
                    else
                        oursRtt.Add(await OurServerReadRttAsync(link, db, reads));
                }
                Report(string.Create(CultureInfo.InvariantCulture,
                    $"bluetoothd round {round + 1}: read RTT median, our client -> bluetoothd+example-gatt-server {bluezRtt[^1]:F2} ms, -> our server {oursRtt[^1]:F2} ms"));
            }
            Report(string.Create(CultureInfo.InvariantCulture,
                $"our client, {reads} reads x {rounds} rounds ({bluez.ClientAdapter} -> {bluez.ServerAdapter}): median read RTT bluetoothd+example-gatt-server {Median(bluezRtt):F2} ms, " +
                $"our server {Median(oursRtt):F2} ms (median per-round ratio bluetoothd/ours {Median(bluezRtt.Zip(oursRtt, (b, o) => b / o).ToList()):F2}x)"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n{bluez.Log}", e);
        }
    }

    private static async Task<double> OurServerReadRttAsync(Link link, GattDatabase db, int reads)
    {
        await using var server = GattServer.Start(link.Target.Value, db);
        double rtt = await ReadRttAsync(link, Service, Counter, reads);
        Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound), "our server still lists our client after it disconnected");
        return rtt;
    }

    private sealed record Link(ushort ClientIndex, ulong ClientAddress, ushort ServerIndex, BluetoothDeviceAddress Target);

    /// <summary>Our client: connect, find <paramref name="characteristic"/> of <paramref name="service"/>, N timed reads (each must be [0x01]); median ms.</summary>
    private static async Task<double> ReadRttAsync(Link link, Guid service, Guid characteristic, int reads)
    {
        var rtt = new List<double>(reads);
        using (var connection = await GattConnection.ConnectAsync(link.ClientAddress, link.Target, new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct))
        {
            var gatt = connection.Client;
            var svc = Assert.Single(await gatt.DiscoverPrimaryServicesAsync(service, Ct));
            var chr = (await gatt.DiscoverCharacteristicsAsync(svc, Ct)).Single(c => c.Uuid == characteristic);
            for (int i = 0; i < reads; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var value = await gatt.ReadAsync(chr.ValueHandle, Ct);
                rtt.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                Assert.Equal([0x01], value);
            }
        }
        // The next round's server must see a new link (a listener only gets links that come up while it listens):
        // our ATT socket was the client side's only channel, so the kernel drops the link; wait for both sides to see it.
        await using var mgmt = new MgmtClient(MgmtSocketTransport.Open());
        await LabBluetooth.WaitForNoLinkBetweenAsync(mgmt, link.ClientIndex, link.ClientAddress, link.ServerIndex, link.Target.Value, Bound, Ct);
        return Median(rtt);
    }

    /// <summary>Our client: subscribe, N notifications, unsubscribe, then <paramref name="reads"/> timed reads; returns (notifications/s, median RTT ms).</summary>
    private static async Task<(double Rate, double RttMs)> OursAsync(GattServer server, GattLocalCharacteristic counter, ulong clientAddress,
        BluetoothDeviceAddress target, int count, int reads)
    {
        await using var connection = await GattConnection.ConnectAsync(clientAddress, target, new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct);
        var gatt = connection.Client;
        var svc = Assert.Single(await gatt.DiscoverPrimaryServicesAsync(Service, Ct));
        var chr = Assert.Single(await gatt.DiscoverCharacteristicsAsync(svc, Ct));
        var received = new List<(long T, uint Value)>(count);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (gatt.Subscribe(chr, counter.CccdHandle).Subscribe(v =>
        {
            long t = Stopwatch.GetTimestamp();
            lock (received)
            {
                received.Add((t, v.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(v.Span) : uint.MaxValue));
                if (received.Count == count) all.TrySetResult();
            }
        }, e => all.TrySetException(e)))
        {
            await SendAsync(server, counter, count);
            try { await all.Task.WaitAsync(Bound, Ct); }
            catch (TimeoutException) { }
        }
        List<(long T, uint Value)> got;
        lock (received) got = [.. received];
        Check("ShortRange", got.Select(r => r.Value).ToList(), count);
        double rate = (count - 1) / Stopwatch.GetElapsedTime(got[0].T, got[^1].T).TotalSeconds;

        var rtt = new List<double>(reads);
        for (int i = 0; i < reads; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var value = await gatt.ReadAsync(chr.ValueHandle, Ct);
            rtt.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            Assert.Equal(counter.Value.ToArray(), value);
        }
        await connection.DisposeAsync();
        Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound), "our server still lists our client after it disconnected");
        return (rate, Median(rtt));
    }

    /// <summary>gatttool -I: connect, CCCD on, N notifications, CCCD off, then timed char-read-hnd; returns (notifications/s, median RTT ms).</summary>
    private static async Task<(double Rate, double RttMs)> GatttoolAsync(string gatttool, string[] args, GattServer server, GattLocalCharacteristic counter,
        int count, int reads)
    {
        var tool = new TimedLineProcess(gatttool, args);   // disposed once, in finally
        try
        {
            tool.Send("connect");
            Assert.True(await tool.WaitForAsync("Connection successful", 1, Bound, Ct), "gatttool did not connect:\n" + tool.Log);
            tool.Send(string.Create(CultureInfo.InvariantCulture, $"char-write-req 0x{counter.CccdHandle:x4} 0100"));
            Assert.True(await tool.WaitForAsync("written successfully", 1, Bound, Ct), "gatttool did not write the CCCD:\n" + tool.Log);
            await SendAsync(server, counter, count);
            string marker = string.Create(CultureInfo.InvariantCulture, $"Notification handle = 0x{counter.ValueHandle:x4} value:");
            await tool.WaitForAsync(marker, count, Bound, Ct);
            var lines = tool.Lines(marker);
            Check("gatttool", lines.Select(l => ParseValue(l.Line)).ToList(), count);
            double rate = (count - 1) / Stopwatch.GetElapsedTime(lines[0].Timestamp, lines[^1].Timestamp).TotalSeconds;
            tool.Send(string.Create(CultureInfo.InvariantCulture, $"char-write-req 0x{counter.CccdHandle:x4} 0000"));
            Assert.True(await tool.WaitForAsync("written successfully", 2, Bound, Ct), "gatttool did not clear the CCCD:\n" + tool.Log);

            const string ReadMarker = "Characteristic value/descriptor:";
            var rtt = new List<double>(reads);
            string expected = "value/descriptor: " + string.Join(' ', counter.Value.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            for (int i = 0; i < reads; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                tool.Send(string.Create(CultureInfo.InvariantCulture, $"char-read-hnd 0x{counter.ValueHandle:x4}"));
                Assert.True(await tool.WaitForAsync(ReadMarker, i + 1, Bound, Ct), $"gatttool read {i} got no answer:\n" + tool.Log);
                var line = tool.Lines(ReadMarker)[i];
                Assert.Contains(expected, line.Line, StringComparison.Ordinal);
                rtt.Add(Stopwatch.GetElapsedTime(t0, line.Timestamp).TotalMilliseconds);
            }
            tool.Send("disconnect");
            return (rate, Median(rtt));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException and not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n{tool.Log}", e);
        }
        finally
        {
            tool.Dispose();
            Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound), "our server still lists gatttool after it exited");
        }
    }

    /// <summary>The server sends 0..N−1 (big-endian) as fast as the ATT socket takes them; each must reach exactly one client.</summary>
    private static async Task SendAsync(GattServer server, GattLocalCharacteristic counter, int count)
    {
        Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 1 && server.Clients[0].GetClientConfiguration(counter) == 1, Bound),
            "the client did not enable notifications");
        var value = new byte[4];
        for (uint i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, i);
            Assert.Equal(1, await server.NotifyAsync(counter, value, Ct));
        }
    }

    private static void Check(string who, List<uint> values, int count)
    {
        Assert.True(values.Count == count, $"{who} received {values.Count} of {count} notifications");
        for (int i = 0; i < count; i++)
            Assert.True(values[i] == (uint)i, $"{who}: notification {i} carried {values[i]} (lost or reordered)");
    }

    private static uint ParseValue(string line)
    {
        var m = HexBytes().Match(line);
        Assert.True(m.Success, "no value in gatttool line: " + line);
        var bytes = m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        return bytes.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : uint.MaxValue;
    }

    [GeneratedRegex("value: ((?:[0-9a-f]{2} ?)+)")]
    private static partial Regex HexBytes();

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@GATTBENCH " + line);
    }
}
