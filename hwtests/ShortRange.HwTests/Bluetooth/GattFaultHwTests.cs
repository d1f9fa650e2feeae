using System.Diagnostics;
using System.Globalization;
using System.Reactive.Linq;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// ATT/GATT faults over the 6.1 kernel (issue 14): the lab's hci0 (peripheral: a raw ATT peer or our
/// <see cref="GattServer"/>, advertising) and hci1 (central: our <see cref="GattConnection"/> or a raw client), LE public
/// addresses. Expected PDUs and error codes are written out from Core 5.4 Vol 3 Part F (§3.3.3 transaction timeout,
/// §3.4.1.1 error codes, §3.4.x per-request rules); every wait is bounded and the bounds seen are reported (@@GATTFAULT).
/// The peripheral's accepted ATT channel (raw peer, our server) is closed only after its LE link has ended, never while
/// the link is up: a close in that state is what preceded a 6.1 general protection fault in hci_chan_del
/// (l2cap_sock_release → l2cap_chan_put) in this lab (first run of these tests, seed 324665666).
/// </summary>
public sealed partial class GattFaultHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly Guid Service = BluetoothUuid.FromShort(0xFFF0);

    /// <summary>Fact 3: the peer takes the link and our Read Request but never answers: the real 30 s transaction timeout.</summary>
    [Fact]
    public async Task Silent_peer_gets_the_30_s_att_timeout_then_the_bearer_is_closed()
    {
        await using var lab = await RawServerLab.OpenAsync("gf-silent", Ct);
        var (connection, peer, log) = await lab.ConnectAsync(Ct);
        try
        {
            Assert.Equal(AttConstants.TransactionTimeout, GattConnectionOptions.Default.TransactionTimeout);
            var sw = Stopwatch.StartNew();
            var read = connection.Client.ReadAsync(0x0003, Ct);
            Assert.Equal([0x0A, 0x03, 0x00], await peer.ReceiveAsync(Bound, Ct));
            var e = await Assert.ThrowsAsync<AttTimeoutException>(() => read.WaitAsync(Bound, Ct));
            var elapsed = sw.Elapsed;
            // The stopwatch starts before the bearer's 30 s timer; 20 ms of slack for the timer's millisecond clock.
            Assert.True(elapsed >= TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(20), $"timed out after {elapsed.TotalMilliseconds:F0} ms, before 30 s");
            Assert.True(elapsed <= TimeSpan.FromSeconds(33), $"timed out only after {elapsed.TotalMilliseconds:F0} ms");
            var final = await connection.Disconnected.WaitAsync(Bound, Ct);
            Assert.Equal(GattDisconnectReason.Timeout, final.Reason);
            log.AssertEndedOnce(final);
            // §3.3.3: no more ATT on this bearer; a later request fails typed at once.
            var later = await Assert.ThrowsAsync<AttBearerClosedException>(() => connection.Client.ReadAsync(0x0003, Ct).WaitAsync(Bound, Ct));
            Assert.IsType<AttTimeoutException>(later.InnerException);
            // The channel really closed: with no channel left on it, the central's kernel drops the LE link (the peer sees EOF).
            var link = Stopwatch.StartNew();
            Assert.Null(await peer.ReceiveAsync(Bound, Ct));
            Report($"silent peer: {e.GetType().Name} after {elapsed.TotalMilliseconds:F0} ms ({e.Message}); state Disconnected/{final.Reason}; " +
                $"later read {later.GetType().Name}; the peer saw the link end {link.ElapsedMilliseconds} ms after the timeout");
        }
        finally
        {
            await lab.EndLinkAsync(connection, peer);
        }
    }

    /// <summary>Fact 5: hostile responses from a raw server, each on its own link where it ends the bearer.</summary>
    [Fact]
    public async Task Hostile_responses_end_the_bearer_typed_and_an_unknown_handle_notification_is_harmless()
    {
        await using var lab = await RawServerLab.OpenAsync("gf-rsp", Ct);
        var results = new List<string>();

        // Link 1: a notification for a handle nobody subscribed to, then a normal read; then a response of the wrong opcode.
        var (connection, peer, log) = await lab.ConnectAsync(Ct);
        try
        {
            var raw = new List<AttHandleValue>();
            using var rawLog = connection.Bearer.ValueUpdates.Subscribe(v => { lock (raw) raw.Add(v); }, _ => { });
            await peer.SendAsync(0x1B, 0x34, 0x12, 0xAA);   // ATT_HANDLE_VALUE_NTF 0x1234 = AA
            var read = connection.Client.ReadAsync(0x0003, Ct);
            Assert.Equal([0x0A, 0x03, 0x00], await peer.ReceiveAsync(Bound, Ct));
            await peer.SendAsync(0x0B, 0x42);               // ATT_READ_RSP 42
            Assert.Equal([0x42], await read.WaitAsync(Bound, Ct));
            lock (raw) Assert.Equal([(0x1234, "AA")], raw.Select(v => ((int)v.Handle, Convert.ToHexString(v.Value.Span))));
            log.AssertConnected();
            results.Add("notification of unknown handle 0x1234: on Bearer.ValueUpdates only, link kept, next read answered");

            read = connection.Client.ReadAsync(0x0003, Ct);
            Assert.Equal([0x0A, 0x03, 0x00], await peer.ReceiveAsync(Bound, Ct));
            await peer.SendAsync(0x13);                     // ATT_WRITE_RSP to a read
            results.Add("wrong opcode: " + await ClosedByFormatAsync(read, connection, log));
        }
        finally
        {
            await lab.EndLinkAsync(connection, peer);
        }

        // Link 2: a truncated ATT_EXCHANGE_MTU_RSP (one octet of the two Server Rx MTU needs).
        (connection, peer, log) = await lab.ConnectAsync(Ct);
        try
        {
            var mtu = connection.Bearer.ExchangeMtuAsync(Ct);
            Assert.Equal([0x02, 0x05, 0x02], await peer.ReceiveAsync(Bound, Ct));   // ATT_EXCHANGE_MTU_REQ 517
            await peer.SendAsync(0x03, 0x17);
            results.Add("truncated MTU response: " + await ClosedByFormatAsync(mtu, connection, log));
        }
        finally
        {
            await lab.EndLinkAsync(connection, peer);
        }

        // Link 3: ATT_FIND_INFORMATION_RSP format 0x01 (handle + 16-bit UUID, 4 octets each) with a 5-octet list.
        (connection, peer, log) = await lab.ConnectAsync(Ct);
        try
        {
            var find = connection.Bearer.RequestAsync(new AttFindInformationRequest(0x0001, 0xFFFF), Ct);
            Assert.Equal([0x04, 0x01, 0x00, 0xFF, 0xFF], await peer.ReceiveAsync(Bound, Ct));
            await peer.SendAsync(0x05, 0x01, 0x03, 0x00, 0x02, 0x29, 0x04);
            results.Add("handle list of invalid length: " + await ClosedByFormatAsync(find, connection, log));
        }
        finally
        {
            await lab.EndLinkAsync(connection, peer);
        }
        Report("hostile responses: " + string.Join("; ", results));
    }

    // A malformed or unexpected response ends the bearer (AttBearer: the transaction is undecidable): the pending request
    // fails with AttBearerClosedException carrying the AttFormatException, the state ends Disconnected/Error.
    private static async Task<string> ClosedByFormatAsync(Task pending, GattConnection connection, StateLog log)
    {
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<AttBearerClosedException>(() => pending.WaitAsync(Bound, Ct));
        long ms = sw.ElapsedMilliseconds;
        var format = Assert.IsType<AttFormatException>(e.InnerException);
        var final = await connection.Disconnected.WaitAsync(Bound, Ct);
        Assert.Equal(GattDisconnectReason.Error, final.Reason);
        Assert.IsType<AttFormatException>(final.Exception);
        log.AssertEndedOnce(final);
        Assert.True(ms < 5000, $"the request failed only {ms} ms after the bad response");
        return $"{e.GetType().Name}({format.GetType().Name}: {format.Message}) after {ms} ms, Disconnected/{final.Reason}";
    }

    /// <summary>Fact 4: hostile requests from a raw client to our GATT server: the exact Error Responses, and it keeps serving.</summary>
    [Fact]
    public async Task Hostile_requests_get_the_spec_error_responses_and_the_server_keeps_serving()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using var p = await LowEnergyPair.OpenAsync(local, peer, Ct);
        // 1 service FFF0 | 2 declaration | 3 FFF1 value "ok" (read/write).
        var db = new GattDatabase();
        var rw = db.AddService(Service).AddCharacteristic(BluetoothUuid.FromShort(0xFFF1),
            GattCharacteristicProperties.Read | GattCharacteristicProperties.Write, GattPermissions.ReadWrite, "ok"u8.ToArray());
        Assert.Equal(3, rw.ValueHandle);
        await using var server = GattServer.Start(p.LocalAddress, db);
        await using var adv = await LeAdvertisement.StartAsync(p.Mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-gfault" }, cancellationToken: Ct);
        Step("hostile requests: connecting");
        var client = await RawAttPeer.ConnectAsync(p.PeerAddress, p.LocalAddress, Bound, Ct);
        Step("hostile requests: connected");
        try
        {
            await HostileRequestsAsync(client, server, rw);
        }
        finally
        {
            // Central side first, and the server's accepted channel only once the link is gone (see the class notes).
            client.Dispose();
            await LabBluetooth.DisconnectEachOtherAsync(p.Mgmt, p.LocalIndex, p.LocalAddress, p.PeerIndex, p.PeerAddress, CancellationToken.None);
            LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound);
            Step("hostile requests: link ended");
        }
    }

    private static async Task HostileRequestsAsync(RawAttPeer client, GattServer server, GattLocalCharacteristic rw)
    {
        var seen = new List<string>();
        async Task Expect(string what, byte[] request, byte[] response)
        {
            var got = await client.ExchangeAsync(request, Bound, Ct);
            string sent = request.Length > 8 ? $"{Convert.ToHexString(request, 0, 8)}… ({request.Length} octets)" : Convert.ToHexString(request);
            seen.Add($"{what}: {sent} → {Convert.ToHexString(got)}");
            Assert.True(response.AsSpan().SequenceEqual(got), $"{what}: expected {Convert.ToHexString(response)}, got {Convert.ToHexString(got)}");
        }

        // ATT_ERROR_RSP = 01 | request opcode in error | handle in error (LE) | error code (§3.4.1.1).
        await Expect("read of handle 0x0000", [0x0A, 0x00, 0x00], [0x01, 0x0A, 0x00, 0x00, 0x01]);          // Invalid Handle
        await Expect("read request one octet short", [0x0A, 0x03], [0x01, 0x0A, 0x00, 0x00, 0x04]);         // Invalid PDU
        await Expect("unknown request opcode 0x1F", [0x1F, 0x01, 0x00], [0x01, 0x1F, 0x00, 0x00, 0x06]);    // Request Not Supported
        // An unknown command (Command Flag, bit 6, set) is ignored: the next PDU back answers the read behind it.
        await client.SendAsync(0x7F, 0x01, 0x02);
        await Expect("unknown command 0x7F then a read", [0x0A, 0x03, 0x00], [0x0B, (byte)'o', (byte)'k']);
        // §3.4.2.2: the server answers with its own Server Rx MTU (GattServer's bearer offers 517); ATT_MTU = min(65535, 517).
        await Expect("MTU request of 65535", [0x02, 0xFF, 0xFF], [0x03, 0x05, 0x02]);
        // §3.2.9: no attribute value is longer than 512 octets → Invalid Attribute Value Length, handle in error 0x0003.
        byte[] longWrite = [0x12, 0x03, 0x00, .. new byte[513]];
        await Expect("write of 513 octets", longWrite, [0x01, 0x12, 0x03, 0x00, 0x0D]);
        // §3.4.3.1: Starting Handle > Ending Handle → Invalid Handle, handle in error = Starting Handle.
        await Expect("find information 0x0005–0x0003", [0x04, 0x05, 0x00, 0x03, 0x00], [0x01, 0x04, 0x05, 0x00, 0x01]);
        await Expect("find information from 0x0000", [0x04, 0x00, 0x00, 0xFF, 0xFF], [0x01, 0x04, 0x00, 0x00, 0x01]);
        // Still serving, and the value is untouched by the refused write.
        await Expect("read after all that", [0x0A, 0x03, 0x00], [0x0B, (byte)'o', (byte)'k']);
        Assert.Single(server.Clients);
        Report("hostile requests: " + string.Join("; ", seen));
    }

    private static void Step(string line) => Console.WriteLine("@@GATTFAULT step: " + line);

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@GATTFAULT " + line);
    }

    /// <summary>Everything a connection's state stream emitted, to check it replays, ends once, completes and never errors.</summary>
    private sealed class StateLog
    {
        private readonly List<GattConnectionState> _states = [];
        private Exception? _error;
        private bool _completed;

        public StateLog(GattConnection connection) =>
            connection.State.Subscribe(s => { lock (_states) _states.Add(s); }, e => _error = e, () => _completed = true);

        public void AssertConnected()
        {
            lock (_states) Assert.Equal([GattConnectionStatus.Connected], _states.Select(s => s.Status));
        }

        public void AssertEndedOnce(GattConnectionState final)
        {
            Assert.True(LabProcess.WaitUntil(() => _completed || _error is not null, TimeSpan.FromSeconds(10)), "the state stream did not complete");
            Assert.Null(_error);
            lock (_states)
            {
                Assert.Equal([GattConnectionStatus.Connected, GattConnectionStatus.Disconnected], _states.Select(s => s.Status));
                Assert.Same(final, _states[^1]);
            }
        }
    }

    /// <summary>
    /// hci0 as a raw ATT peer (listening on CID 4 before anything connects, advertising connectably), hci1 connecting with
    /// our <see cref="GattConnection"/> (no MTU exchange, so the first PDU the peer sees is the test's).
    /// </summary>
    private sealed class RawServerLab : IAsyncDisposable
    {
        private readonly L2capChannelListener _listener;
        private readonly string _tag;
        private LeAdvertisement? _adv;

        private RawServerLab(LowEnergyPair pair, L2capChannelListener listener, string tag)
        {
            Pair = pair;
            _listener = listener;
            _tag = tag;
        }

        public LowEnergyPair Pair { get; }

        public static async Task<RawServerLab> OpenAsync(string tag, CancellationToken ct)
        {
            var (local, peer) = LabRequire.BluetoothPair();
            LabRequire.Root();
            var pair = await LowEnergyPair.OpenAsync(local, peer, ct);
            return new RawServerLab(pair, RawAttPeer.Listen(pair.LocalAddress), tag);
        }

        /// <summary>Advertises (a fresh instance each time), connects our client and accepts its channel on the raw side.</summary>
        public async Task<(GattConnection Connection, RawAttPeer Peer, StateLog Log)> ConnectAsync(CancellationToken ct)
        {
            if (_adv is not null) await _adv.DisposeAsync();
            _adv = await LeAdvertisement.StartAsync(Pair.Mgmt, Pair.LocalIndex, new LeAdvertisementOptions { Name = "SR-" + _tag }, cancellationToken: ct);
            var accept = RawAttPeer.AcceptAsync(_listener, Bound, ct);
            Step(_tag + ": connecting");
            var connection = await GattConnection.ConnectAsync(Pair.PeerAddress, new BluetoothDeviceAddress(Pair.LocalAddress, BluetoothAddressType.LePublic),
                new GattConnectionOptions { ConnectTimeout = Bound, ExchangeMtu = false }, cancellationToken: ct);
            var log = new StateLog(connection);
            var peer = await accept;
            Step(_tag + ": connected");
            return (connection, peer, log);
        }

        /// <summary>
        /// Ends the LE link, then closes the raw side's channel. The link must be gone before the next connect: the raw
        /// side only gets a new channel when a link comes up (fixed channels are created at l2cap_conn_ready). And the
        /// peripheral's accepted ATT socket is closed only after its link ended (see <see cref="EndLinkAsync"/>'s caller notes).
        /// </summary>
        public async Task EndLinkAsync(GattConnection connection, RawAttPeer peer)
        {
            Step(_tag + ": ending the link");
            connection.Dispose();
            try
            {
                await NextLinkAsync(CancellationToken.None);
            }
            finally
            {
                peer.Dispose();
                Step(_tag + ": link ended, raw channel closed");
            }
        }

        private Task NextLinkAsync(CancellationToken ct) =>
            LabBluetooth.DisconnectEachOtherAsync(Pair.Mgmt, Pair.LocalIndex, Pair.LocalAddress, Pair.PeerIndex, Pair.PeerAddress, ct);

        public async ValueTask DisposeAsync()
        {
            try
            {
                _listener.Dispose();
                if (_adv is not null) await _adv.DisposeAsync();
                await NextLinkAsync(CancellationToken.None);
            }
            finally
            {
                await Pair.DisposeAsync();
            }
        }
    }
}
