using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Options;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
using ShortRange.Devices;
using ShortRange.Discovery;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our GATT client's remaining procedures against our GATT server over the kernel (two btvirt controllers, LE public
/// addresses): the server advertises, the client's controller finds it with the Bluetooth scanner and connects from the
/// <see cref="DiscoveredDevice"/>; then included services, Read Using Characteristic UUID, Read Multiple (Variable),
/// a reliable write of two values (one of them long at ATT_MTU 23) and a Service Changed indication.
/// </summary>
public sealed class GattClientProceduresHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly Guid Custom = Guid.Parse("5352a000-0000-4000-8000-00805f9b34fb");
    private static readonly Guid CustomRw = Guid.Parse("5352a001-0000-4000-8000-00805f9b34fb");
    private static readonly Guid Top = BluetoothUuid.FromShort(0xFFF0), LongRw = BluetoothUuid.FromShort(0xFFF1), Pair = BluetoothUuid.FromShort(0xFFF2);

    [Fact]
    public async Task Client_found_by_le_discovery_uses_includes_read_by_uuid_read_multiple_reliable_write_and_service_changed()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);   // LE on both; restored on dispose
        var mgmt = p.Mgmt;

        // 1 secondary Battery | 2–3 Battery Level = 5A | 4 secondary 128-bit | 5–6 rw "hello" | 7 primary FFF0 | 8 include 1–3
        // | 9 include 4–6 | 10–11 FFF1 rw (long) | 12–13 FFF2 = 01 02 | 14 GATT 0x1801 | 15–16 Service Changed | 17 CCCD.
        var db = new GattDatabase();
        var battery = db.AddService(BluetoothUuid.FromShort(0x180F), primary: false);
        var level = battery.AddCharacteristic(BluetoothUuid.FromShort(0x2A19), GattCharacteristicProperties.Read, GattPermissions.Read, new byte[] { 0x5A });
        var custom = db.AddService(Custom, primary: false);
        var rw = custom.AddCharacteristic(CustomRw, GattCharacteristicProperties.Read | GattCharacteristicProperties.Write, GattPermissions.ReadWrite, "hello"u8.ToArray());
        var top = db.AddService(Top);
        top.AddInclude(battery);
        top.AddInclude(custom);
        var longRw = top.AddCharacteristic(LongRw, GattCharacteristicProperties.Read | GattCharacteristicProperties.Write, GattPermissions.ReadWrite, new byte[] { 0 });
        var pair = top.AddCharacteristic(Pair, GattCharacteristicProperties.Read, GattPermissions.Read, new byte[] { 0x01, 0x02 });
        var gattService = db.AddService(BluetoothUuid.FromShort(0x1801));
        var changed = gattService.AddCharacteristic(GattUuids.ServiceChanged, GattCharacteristicProperties.Indicate, GattPermissions.None);
        Assert.Equal((3, 6, 11, 13, 16, 17), (level.ValueHandle, rw.ValueHandle, longRw.ValueHandle, pair.ValueHandle, changed.ValueHandle, changed.CccdHandle));

        await using var server = GattServer.Start(p.LocalAddress, db);
        GattConnection? connection = null;
        try
        {
            await using var adv = await LeAdvertisement.StartAsync(mgmt, p.LocalIndex,
                new LeAdvertisementOptions { Name = "SR-gattc", ServiceUuids = [Top] }, cancellationToken: Ct);

            // Found by our scanner on the other controller (LE only, filtered on the advertised service UUID).
            var options = new BluetoothOptions { Adapter = peer, DiscoveryTypes = DiscoveryAddressTypes.Le };
            options.ServiceUuids.Add(Top);
            var discovery = new TechnologyDiscovery(new BluetoothScanner(Options.Create(options)));
            var wanted = new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic);
            var found = await discovery.Discover().Select(e => e.Device).FirstAsync(d => Equals(d.Address, wanted)).ToTask(Ct).WaitAsync(Bound, Ct);
            await discovery.StopIdleScansAsync(Ct).WaitAsync(Bound, Ct);
            Assert.Equal(peer, found.Adapter);
            Assert.Contains(Top, Assert.IsType<BluetoothDeviceDetails>(found.Details).ServiceUuids);

            // ATT_MTU stays 23 so the 100-octet value needs several prepared parts.
            connection = await found.ConnectGattAsync(new GattConnectionOptions { ConnectTimeout = Bound, ReceiveMtu = 23 }, cancellationToken: Ct);
            var gatt = connection.Client;
            Assert.Equal(23, connection.Bearer.Mtu);
            var services = await gatt.GetServicesAsync(Ct);
            Assert.Equal([new GattService(Top, 7, 13), new GattService(BluetoothUuid.FromShort(0x1801), 14, 17)], services);
            Assert.Same(services, await gatt.GetServicesAsync(Ct));

            Assert.Equal([new GattIncludedService(8, 1, 3, BluetoothUuid.FromShort(0x180F)), new GattIncludedService(9, 4, 6, Custom)],
                await gatt.FindIncludedServicesAsync(services[0], Ct));

            var byUuid = Assert.Single(await gatt.ReadByUuidAsync(CustomRw, cancellationToken: Ct));
            Assert.Equal(6, byUuid.Handle);
            Assert.Equal("hello"u8.ToArray(), byUuid.Value.ToArray());
            Assert.Equal([0x5A, 0x01, 0x02], await gatt.ReadMultipleAsync([3, 13], Ct));
            var variable = await gatt.ReadMultipleVariableAsync([3, 6, 13], Ct);
            Assert.Equal([[0x5A], "hello"u8.ToArray(), [0x01, 0x02]], variable);

            // Reliable write: 100 octets (6 parts of ATT_MTU − 5) to 0x000B and "world" to 0x0006, executed together.
            byte[] big = [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 7))];
            await gatt.ReliableWriteAsync([(longRw.ValueHandle, big), (rw.ValueHandle, "world"u8.ToArray())], Ct);
            Assert.Equal(big, longRw.Value.ToArray());
            Assert.Equal("world"u8.ToArray(), rw.Value.ToArray());
            Assert.Equal(big, await gatt.ReadAsync(longRw.ValueHandle, Ct));   // long read back over Read Blob

            // Service Changed: subscribing enables the indication; our server indicates 0x0001–0xFFFF and the cache drops.
            var range = gatt.ServiceChanged.FirstAsync().ToTask(Ct);
            Assert.True(LabProcess.WaitUntil(() => server.Clients.Any(c => c.GetClientConfiguration(changed) == 2), Bound),
                "the client did not enable Service Changed indications");
            Assert.Equal(1, await server.NotifyAsync(changed, new byte[] { 0x01, 0x00, 0xFF, 0xFF }, Ct).WaitAsync(Bound, Ct));
            Assert.Equal(new GattHandleRange(0x0001, 0xFFFF), await range.WaitAsync(Bound, Ct));
            var again = await gatt.GetServicesAsync(Ct);
            Assert.NotSame(services, again);
            Assert.Equal(services, again);
            Report($"{peer} found {found.Address} by LE discovery and connected from it; includes, read by UUID, read multiple (variable), " +
                "reliable write of 100 + 5 octets and Service Changed 0x0001–0xFFFF all checked");
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// The security retry over a real socket: a characteristic that needs encryption answers Insufficient Encryption;
    /// the bearer asks the L2CAP channel for BT_SECURITY Medium, waits until the kernel has encrypted the link and sends
    /// the read once more, which now returns the value.
    /// SMP cannot run in this lab: the 6.1 kernel's ecdh-nist-p256 self-test fails under TCG, so smp_register finds no
    /// ECDH ("hciN: Unable to create ECDH crypto context") and registers no SMP channel; BT_SECURITY on a link without
    /// a stored key then fails with EINVAL ("security requested but not available"), legacy pairing included. So both
    /// controllers are given the same bonded LE LTK first (mgmt Load Long Term Keys, as after a pairing): the central's
    /// kernel encrypts with it (HCI LE Start Encryption; btvirt compares both sides' keys) and no SMP PDU is sent.
    /// </summary>
    [Fact]
    public async Task Insufficient_encryption_raises_bt_security_encrypts_with_the_bonded_key_and_retries_once()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string btmon = LabRequire.Tool("btmon");
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);   // LE on both; restored on dispose
        var mgmt = p.Mgmt;
        var db = new GattDatabase();
        var secret = db.AddService(Top).AddCharacteristic(Pair, GattCharacteristicProperties.Read, GattPermissions.ReadEncrypted, new byte[] { 0x42 });
        string path = Path.Combine(Path.GetTempPath(), $"sr-gattc-sec-{Environment.ProcessId}.btsnoop");
        using var stopCapture = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task? capture = null;
        CountingTransport? transport = null;
        try
        {
            // An unauthenticated legacy LTK (mgmt key type 0x00), EDIV/Rand as a pairing would have distributed them.
            byte[] ltk = [.. Enumerable.Range(0xA0, 16).Select(i => (byte)i)];
            await mgmt.LoadLongTermKeysAsync(p.PeerIndex, [new LongTermKey(new(p.LocalAddress, BluetoothAddressType.LePublic), 0x00, true, 16, 0x5352, 0x0102030405060708, ltk)], Ct);
            await mgmt.LoadLongTermKeysAsync(p.LocalIndex, [new LongTermKey(new(p.PeerAddress, BluetoothAddressType.LePublic), 0x00, false, 16, 0x5352, 0x0102030405060708, ltk)], Ct);
            await using var server = GattServer.Start(p.LocalAddress, db);
            await using var adv = await LeAdvertisement.StartAsync(mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-sec" }, cancellationToken: Ct);
            capture = new MonitorCapture().CaptureToFileAsync(path, stopCapture.Token);
            transport = new CountingTransport(await L2capAttTransport.ConnectAsync(p.PeerAddress, p.LocalAddress, (byte)BluetoothAddressType.LePublic,
                timeout: Bound, cancellationToken: Ct));
            Assert.Equal(L2capSecurityLevel.Low, transport.Inner.Channel.SecurityLevel);
            using var bearer = new AttBearer(transport);
            var gatt = new GattClient(bearer);
            bearer.Start();
            var value = await gatt.ReadAsync(secret.ValueHandle, Ct).WaitAsync(Bound, Ct);
            var level = transport.Inner.Channel.Security;
            Report($"security retry: read requests {transport.Reads}; raise {transport.RaiseOutcome}; socket writable right after BT_SECURITY: " +
                $"{transport.WritableWhileRaising}; BT_SECURITY now {level.Level}, key size {level.KeySize}; value {Convert.ToHexString(value)}");
            Assert.Equal([0x42], value);
            Assert.Equal(2, transport.Reads);
            Assert.Equal([AttErrorCode.InsufficientEncryption], transport.Raised);
            Assert.Equal((L2capSecurityLevel.Medium, (byte)16), (level.Level, level.KeySize));
        }
        finally
        {
            transport?.Dispose();
            await stopCapture.CancelAsync();
            if (capture is not null) await capture.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            foreach (var i in new[] { p.LocalIndex, p.PeerIndex }) await mgmt.LoadLongTermKeysAsync(i, [], cts.Token);   // baseline: no LE keys
        }

        // btmon (BlueZ's decoder) shows how the link got encrypted: the stored key, no SMP exchange.
        var decoded = LabProcess.Run(btmon, ["-r", path], TimeSpan.FromSeconds(120));
        File.Delete(path);
        string text = decoded.StandardOutput;
        Assert.True(text.Contains("LE Start Encryption", StringComparison.Ordinal), "btmon shows no LE Start Encryption:\n" + Tail(text));
        Assert.True(text.Contains("Encryption: Enabled with AES-CCM", StringComparison.Ordinal), "btmon shows no successful Encryption Change:\n" + Tail(text));
        Assert.False(text.Contains("SMP: Pairing Request", StringComparison.Ordinal), "an SMP pairing ran after all:\n" + Tail(text));
        Report("btmon: LE Start Encryption with the stored LTK, Encryption Change enabled (AES-CCM), no SMP Pairing Request");
    }

    /// <summary>The real L2CAP ATT transport, counting ATT_READ_REQs and recording what raising security did.</summary>
    private sealed class CountingTransport(L2capAttTransport inner) : IAttSecurityTransport
    {
        private int _reads;
        public L2capAttTransport Inner { get; } = inner;
        public int Reads => Volatile.Read(ref _reads);
        public List<AttErrorCode> Raised { get; } = [];
        public string RaiseOutcome { get; private set; } = "not asked";
        public string WritableWhileRaising { get; private set; } = "not asked";

        public async ValueTask<bool> RaiseSecurityAsync(AttErrorCode reason, CancellationToken cancellationToken)
        {
            Raised.Add(reason);
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var raising = Inner.RaiseSecurityAsync(reason, cancellationToken);
                // The kernel holds the socket in BT_CONFIG (no POLLOUT, sends fail with ENOTCONN) until it has encrypted.
                WritableWhileRaising = raising.IsCompleted ? "yes (already encrypted at the first poll)" : Inner.Channel.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectWrite).ToString();
                bool raised = await raising;
                RaiseOutcome = (raised ? "setsockopt accepted, link ready" : "already at that level") + $" after {started.Elapsed.TotalMilliseconds:0} ms";
                return raised;
            }
            catch (Exception e)
            {
                RaiseOutcome = "refused: " + e.Message;
                throw;
            }
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken)
        {
            if (pdu.Span[0] == (byte)AttOpcode.ATT_READ_REQ) Interlocked.Increment(ref _reads);
            return Inner.SendAsync(pdu, cancellationToken);
        }

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => Inner.ReceiveAsync(buffer, cancellationToken);
        public void Dispose() => Inner.Dispose();
    }

    private static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@GATTC " + line);
    }
}
