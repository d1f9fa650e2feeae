using ShortRange.HwTests.Infrastructure;
using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Snep;

namespace ShortRange.HwTests.Nfc;

/// <summary>LLCP stream and datagram sockets, SDREQ and SNEP over a real NFC-DEP link between nfcsim's two devices.</summary>
public sealed class NfcLlcpHwTests
{
    private const string EchoService = "urn:nfc:xsn:shortrange.test:echo";

    private static async Task EchoServerAsync(LlcpListener listener, CancellationToken ct)
    {
        using var c = await listener.AcceptAsync(ct);
        var buf = new byte[4096];
        while (true)
        {
            int n = await c.ReceiveAsync(buf, ct);
            if (n == 0) return;
            await c.SendAsync(buf.AsMemory(0, n), ct);
        }
    }

    private static async Task<double> EchoAsync(LlcpConnection client, int size, CancellationToken ct)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        var back = new byte[size];
        var sw = Stopwatch.StartNew();
        var send = client.SendAsync(payload, ct).AsTask();
        await client.ReceiveExactlyAsync(back, ct);
        await send;
        sw.Stop();
        Assert.True(payload.AsSpan().SequenceEqual(back), "echoed bytes differ");
        return 2.0 * size / 1024 / sw.Elapsed.TotalSeconds;
    }

    [Fact]
    public async Task Dep_link_up_then_llcp_stream_echo_of_64_KiB_in_both_directions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        using var listenerOnPeer = LlcpListener.Listen(lab.Peer.Index, EchoService);
        using var listenerOnLocal = LlcpListener.Listen(lab.Local.Index, EchoService);
        await lab.LinkUpAsync(ct);
        TestContext.Current.SendDiagnosticMessage(
            $"DEP link up after {lab.TimeToDepLinkUp.TotalSeconds:0.00} s ({lab.LinkAttempts} poll(s)); peer activated with {lab.PeerActivated?.Protocols}");
        Assert.True(lab.PeerActivated!.Protocols.HasFlag(NfcProtocols.NfcDep));

        // initiator (local) → target (peer)
        var server = EchoServerAsync(listenerOnPeer, ct);
        using (var c = await LlcpConnection.ConnectAsync(lab.Local.Index, lab.Target!.Index, EchoService, NfcLab.Wait, ct))
        {
            TestContext.Current.SendDiagnosticMessage($"local→peer: remote MIU {c.RemoteMiu}, RW {c.RemoteReceiveWindow}, SAPs {c.LocalAddress.Ssap}→{c.LocalAddress.Dsap}");
            double kibps = await EchoAsync(c, 64 * 1024, ct);
            TestContext.Current.SendDiagnosticMessage($"local→peer 64 KiB echo: {kibps:0.0} KiB/s (both directions counted)");
        }
        await server.WaitAsync(NfcLab.Wait, ct);

        // target (peer) → initiator (local): the target side connects too (target index is ignored there)
        server = EchoServerAsync(listenerOnLocal, ct);
        using (var c = await LlcpConnection.ConnectAsync(lab.Peer.Index, 0, EchoService, NfcLab.Wait, ct))
        {
            double kibps = await EchoAsync(c, 64 * 1024, ct);
            TestContext.Current.SendDiagnosticMessage($"peer→local 64 KiB echo: {kibps:0.0} KiB/s (both directions counted)");
        }
        await server.WaitAsync(NfcLab.Wait, ct);
    }

    [Fact]
    public async Task Connecting_to_an_unbound_service_fails_with_a_typed_error_and_link_down_closes_sockets()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        var noLink = await Assert.ThrowsAsync<NfcSocketException>(() =>
            LlcpConnection.ConnectAsync(lab.Local.Index, 1, EchoService, TimeSpan.FromSeconds(10), ct));
        Assert.Equal(67, noLink.ErrorNumber); // ENOLINK before any DEP link
        using var listener = LlcpListener.Listen(lab.Peer.Index, EchoService);
        await lab.LinkUpAsync(ct);

        var refused = await Assert.ThrowsAsync<NfcSocketException>(() =>
            LlcpConnection.ConnectAsync(lab.Local.Index, lab.Target!.Index, "urn:nfc:xsn:shortrange.test:nobody", NfcLab.Wait, ct));
        TestContext.Current.SendDiagnosticMessage($"unbound service: {refused.Message}");

        var accept = listener.AcceptAsync(ct);
        using var c = await LlcpConnection.ConnectAsync(lab.Local.Index, lab.Target!.Index, EchoService, NfcLab.Wait, ct);
        using var s = await accept.WaitAsync(NfcLab.Wait, ct);
        var down = lab.Client.Events.OfType<NfcDepLinkDownEvent>().Where(e => e.DeviceIndex == lab.Local.Index)
            .FirstAsync().Timeout(NfcLab.Wait).ToTask(ct);
        await lab.Client.DepLinkDownAsync(lab.Local.Index, lab.Target.Index, ct);
        await down;
        Assert.Equal(0, await c.ReceiveAsync(new byte[16], ct).AsTask().WaitAsync(NfcLab.Wait, ct)); // closed by the kernel
        var sendFailed = await Assert.ThrowsAsync<NfcLinkLostException>(() => c.SendAsync(new byte[] { 1 }, ct).AsTask());
        TestContext.Current.SendDiagnosticMessage($"send after link down: {sendFailed.Message}");
        Assert.Equal(lab.Local.Index, sendFailed.DeviceIndex);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_mid_transfer_ends_it_with_link_lost_and_a_new_link_recovers()
    {
        // The kernel's own link-loss path: the peer's frames stop arriving, the initiator's LLCP link timer fires
        // (2 × the peer's LTO; dmesg "SYMM timeout") and the kernel brings the DEP link down, closing every socket on it.
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        int symmTimeoutsBefore = SymmTimeouts();
        using (var listener = LlcpListener.Listen(lab.Peer.Index, EchoService))
        {
            await lab.LinkUpAsync(ct);
            var accepted = listener.AcceptAsync(ct);
            using var c = await LlcpConnection.ConnectAsync(lab.Local.Index, lab.Target!.Index, EchoService, NfcLab.Wait, ct);
            using var s = await accepted.WaitAsync(NfcLab.Wait, ct);
            var data = new byte[4096];
            Random.Shared.NextBytes(data);
            await c.SendAsync(data, ct); // the connection carries data both ways
            var got = new byte[data.Length];
            await s.ReceiveExactlyAsync(got, ct);
            await s.SendAsync(got, ct);
            await c.ReceiveExactlyAsync(got, ct);
            Assert.Equal(data, got);
            var pending = c.ReceiveExactlyAsync(new byte[64 * 1024], ct).AsTask(); // more than will ever come
            var sw = Stopwatch.StartNew();
            NfcLab.StopAnswering(lab.Peer, 255);
            var lost = await Assert.ThrowsAsync<NfcLinkLostException>(() => pending.WaitAsync(NfcLab.Wait, ct));
            Console.WriteLine($"@@NFC link lost reported {sw.Elapsed.TotalSeconds:0.0} s after the peer stopped answering: {lost.Message}");
            Assert.Equal(lab.Local.Index, lost.DeviceIndex);
            Assert.Equal(Errno.ENOTCONN, lost.ErrorNumber);
            Assert.Equal(NfcRfMode.None, (await lab.Client.GetDeviceAsync(lab.Local.Index, ct)).RfMode);
            Assert.True(SymmTimeouts() > symmTimeoutsBefore, "the kernel's LLCP link timer (SYMM timeout) ended the link");
            NfcLab.StopAnswering(lab.Peer, 0);
        }

        // Recovery: the peer answers again, the link is brought up again, and a new connection carries data.
        using var again = LlcpListener.Listen(lab.Peer.Index, EchoService);
        await lab.LinkUpAsync(ct);
        var echo = EchoServerAsync(again, ct);
        using (var c = await LlcpConnection.ConnectAsync(lab.Local.Index, lab.Target!.Index, EchoService, NfcLab.Wait, ct))
            await EchoAsync(c, 4096, ct);
        await echo.WaitAsync(NfcLab.Wait, ct);
    }

    private static int SymmTimeouts() =>
        LabProcess.Run("dmesg").EnsureSuccess().StandardOutput.Split('\n').Count(l => l.Contains("SYMM timeout", StringComparison.Ordinal));

    [Fact]
    public async Task Llcp_datagrams_both_ways_after_sdreq_lookups()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        const string nameOnPeer = "urn:nfc:xsn:shortrange.test:dgram-peer", nameOnLocal = "urn:nfc:xsn:shortrange.test:dgram-local";
        using var onPeer = LlcpDatagramSocket.Bind(lab.Peer.Index, nameOnPeer);
        using var onLocal = LlcpDatagramSocket.Bind(lab.Local.Index, nameOnLocal);
        Assert.Equal(LlcpServiceNames.Unbound, onPeer.LocalSap); // non-well-known names get a SAP on the first lookup
        await lab.LinkUpAsync(ct);

        var sw = Stopwatch.StartNew();
        byte? peerSap = await lab.Client.LookupServiceAsync(lab.Local.Index, nameOnPeer, NfcLab.Wait, ct);
        TestContext.Current.SendDiagnosticMessage($"SDREQ {nameOnPeer} → SAP {peerSap} in {sw.ElapsedMilliseconds} ms");
        byte? localSap = await lab.Client.LookupServiceAsync(lab.Peer.Index, nameOnLocal, NfcLab.Wait, ct);
        Assert.NotNull(peerSap);
        Assert.NotNull(localSap);
        Assert.Equal(peerSap, onPeer.LocalSap);
        Assert.Equal(localSap, onLocal.LocalSap);
        Assert.Null(await lab.Client.LookupServiceAsync(lab.Local.Index, "urn:nfc:xsn:shortrange.test:nobody", NfcLab.Wait, ct));

        for (int i = 0; i < 3; i++)
        {
            var ping = new byte[] { 0x50, (byte)i, 1, 2, 3 };
            var got = onPeer.ReceiveFromAsync(ct).AsTask();
            await onLocal.SendToAsync(peerSap!.Value, ping, ct);
            var d = await got.WaitAsync(NfcLab.Wait, ct);
            Assert.Equal(ping, d.Data);
            Assert.Equal(localSap, d.RemoteSap);

            var pong = new byte[100];
            new Random(i).NextBytes(pong);
            var back = onLocal.ReceiveFromAsync(ct).AsTask();
            await onPeer.SendToAsync(d.RemoteSap, pong, ct);
            var r = await back.WaitAsync(NfcLab.Wait, ct);
            Assert.Equal(pong, r.Data);
            Assert.Equal(peerSap, r.RemoteSap);
        }
    }

    [Fact]
    public async Task Snep_put_of_a_multi_record_message_and_get_through_our_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        var received = new List<byte[]>();
        var answer = NdefMessage.Encode([NdefTextRecord.Create("answer from the peer", "en")]);
        var server = new SnepServer(
            (ndef, _) => { lock (received) received.Add(ndef); return ValueTask.CompletedTask; },
            (request, _) => ValueTask.FromResult<byte[]?>(answer));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serving = server.RunAsync(lab.Peer.Index, stop.Token);
        await lab.LinkUpAsync(ct);

        byte? sap = await lab.Client.LookupServiceAsync(lab.Local.Index, LlcpServiceNames.Snep, NfcLab.Wait, ct);
        Assert.Equal(LlcpServiceNames.SnepSap, sap);

        var message = NdefMessage.Encode([
            NdefTextRecord.Create("hello from ShortRange", "en"),
            NdefUriRecord.Create("https://example.com/shortrange"),
            NdefRecords.Mime("application/vnd.shortrange.test", new byte[] { 1, 2, 3, 4, 5 }),
        ]);
        var big = NdefMessage.Encode([NdefRecords.Mime("application/octet-stream", Enumerable.Range(0, 6000).Select(i => (byte)i).ToArray())]);
        using (var client = await SnepClient.ConnectAsync(lab.Local.Index, lab.Target!.Index, NfcLab.Wait, ct))
        {
            var sw = Stopwatch.StartNew();
            await client.PutAsync(message, ct);
            TestContext.Current.SendDiagnosticMessage($"SNEP PUT of {message.Length} bytes: {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            await client.PutAsync(big, ct); // longer than the MIU: first fragment, Continue, rest
            TestContext.Current.SendDiagnosticMessage($"SNEP PUT of {big.Length} bytes (fragmented): {sw.ElapsedMilliseconds} ms");
            var got = await client.GetAsync(NdefMessage.Encode([NdefUriRecord.Create("urn:nfc:sn:snep")]), 1024, ct);
            Assert.Equal(answer, got);
            var tooSmall = await Assert.ThrowsAsync<SnepProtocolException>(() =>
                client.GetAsync(NdefMessage.Encode([NdefUriRecord.Create("urn:nfc:sn:snep")]), 4, ct));
            Assert.Equal((byte)SnepCode.ExcessData, tooSmall.Code);
        }
        lock (received)
        {
            Assert.Equal(2, received.Count);
            Assert.Equal(message, received[0]);
            Assert.Equal(big, received[1]);
            var records = NdefMessage.Parse(received[0]);
            Assert.Equal(3, records.Count);
            Assert.Equal("hello from ShortRange", NdefTextRecord.Decode(records[0].Payload.Span).Text);
            Assert.Equal("https://example.com/shortrange", NdefUriRecord.Decode(records[1].Payload.Span));
        }
        await stop.CancelAsync();
        await serving.WaitAsync(NfcLab.Wait, ct);
    }
}
