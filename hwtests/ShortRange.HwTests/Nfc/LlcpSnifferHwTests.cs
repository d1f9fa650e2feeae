using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;
using static ShortRange.Linux.Sockets.NfcSocketConstants;

namespace ShortRange.HwTests.Nfc;

/// <summary>
/// The LLCP PDU codec against a real peer: the kernel's own LLCP. An AF_NFC SOCK_RAW/NFC_SOCKPROTO_LLCP socket bound to
/// the initiator is the kernel's LLCP sniffer: it gets a copy of every PDU the device sends and receives, behind a
/// 2-octet header (device index; direction in bit 0, payload type RAW_PAYLOAD_LLCP in bits 1.., include/uapi/linux/nfc.h).
/// Every PDU of a real session — SDREQ lookup, UI datagram, CONNECT by name, I echo, DISC — must decode, and the fields
/// we know from our side (SAPs, payload bytes, service name, SDRES SAP) must be where LLCP 1.1 puts them.
/// </summary>
public sealed class LlcpSnifferHwTests
{
    private const string EchoService = "urn:nfc:xsn:shortrange.test:sniff-echo";
    private const string DgramService = "urn:nfc:xsn:shortrange.test:sniff-dgram";
    private const string LocalDgramService = "urn:nfc:xsn:shortrange.test:sniff-local";
    private const int NFC_RAW_HEADER_SIZE = 2, NFC_DIRECTION_RX = 0, NFC_DIRECTION_TX = 1, RAW_PAYLOAD_LLCP = 0;

    private sealed record Captured(bool Tx, byte[] Pdu);

    [Fact]
    public async Task Every_pdu_the_kernel_exchanges_decodes_and_carries_our_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var lab = await NfcLab.OpenAsync(ct);
        using var sniffer = NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Raw, NFC_SOCKPROTO_LLCP);
        sniffer.Bind(new NfcLlcpSocketAddress(lab.Local.Index, 0, 0, 0, 0, ""));
        var frames = new List<Captured>();
        using var stopSniffing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sniffing = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (true)
            {
                int n = await sniffer.Socket.ReceiveAsync(buffer, SocketFlags.None, stopSniffing.Token);
                Assert.True(n >= NFC_RAW_HEADER_SIZE + 2, $"sniffed frame of {n} octets");
                Assert.Equal(lab.Local.Index, buffer[0]);
                Assert.Equal(RAW_PAYLOAD_LLCP, buffer[1] >> 1);
                lock (frames) frames.Add(new Captured((buffer[1] & 1) == NFC_DIRECTION_TX, buffer.AsSpan(NFC_RAW_HEADER_SIZE, n - NFC_RAW_HEADER_SIZE).ToArray()));
            }
        }, ct);

        using var listener = LlcpListener.Listen(lab.Peer.Index, EchoService);
        using var onPeer = LlcpDatagramSocket.Bind(lab.Peer.Index, DgramService);
        using var onLocal = LlcpDatagramSocket.Bind(lab.Local.Index, LocalDgramService);
        await lab.LinkUpAsync(ct);

        byte? peerSap = await lab.Client.LookupServiceAsync(lab.Local.Index, DgramService, NfcLab.Wait, ct);
        Assert.NotNull(peerSap);
        // Our sending socket's name gets its SAP when the peer looks it up (the kernel assigns SAPs to names on SDREQ).
        Assert.NotNull(await lab.Client.LookupServiceAsync(lab.Peer.Index, LocalDgramService, NfcLab.Wait, ct));
        var datagram = new byte[] { 0xD6, 0x01, 0x02, 0x03 };
        var got = onPeer.ReceiveFromAsync(ct).AsTask();
        await onLocal.SendToAsync(peerSap.Value, datagram, ct);
        Assert.Equal(datagram, (await got.WaitAsync(NfcLab.Wait, ct)).Data);

        var message = "sniffed by the kernel's LLCP raw socket"u8.ToArray();
        var accept = listener.AcceptAsync(ct);
        byte clientSap;
        LlcpConnection server;
        using (var c = await LlcpConnection.ConnectAsync(lab.Local.Index, lab.Target!.Index, EchoService, NfcLab.Wait, ct))
        {
            clientSap = c.LocalAddress.Ssap;
            server = await accept.WaitAsync(NfcLab.Wait, ct);
            await c.SendAsync(message, ct);
            var buf = new byte[message.Length];
            int n = 0;
            while (n < buf.Length) n += await server.ReceiveAsync(buf.AsMemory(n), ct).AsTask().WaitAsync(NfcLab.Wait, ct);
            await server.SendAsync(buf, ct);
            var echo = new byte[message.Length];
            await c.ReceiveExactlyAsync(echo, ct).AsTask().WaitAsync(NfcLab.Wait, ct);
            Assert.Equal(message, echo);
        }
        // The client closed first (DISC); the server sees end-of-stream, then closes its side.
        using (server)
            Assert.Equal(0, await server.ReceiveAsync(new byte[16], ct).AsTask().WaitAsync(NfcLab.Wait, ct));

        // The client's close sends DISC; the peer answers DM. Wait for the DM to come back through the sniffer.
        bool sawDm = await WaitAsync(() => Decoded(frames).Any(f => !f.Tx && f.Ptype == LlcpPtype.Dm && f.Dsap == clientSap), ct);
        await stopSniffing.CancelAsync();
        try { await sniffing.WaitAsync(TimeSpan.FromSeconds(10), ct); }
        catch (OperationCanceledException) { }
        var pdus = Decoded(frames); // throws LlcpProtocolException on any PDU our codec cannot decode
        TestContext.Current.SendDiagnosticMessage(string.Join(", ", pdus.GroupBy(p => (p.Tx, p.Ptype))
            .Select(g => $"{(g.Key.Tx ? "tx" : "rx")} {g.Key.Ptype}×{g.Count()}")));
        Assert.True(sawDm, "no DM answered our DISC within the bound");

        // SYMM keeps the link alive in both directions (LLCP 1.1 §5.2): all-zero header.
        Assert.Contains(pdus, p => p.Tx && p.Ptype == LlcpPtype.Symm && p is { Dsap: 0, Ssap: 0, Information.Length: 0 });
        Assert.Contains(pdus, p => !p.Tx && p.Ptype == LlcpPtype.Symm);

        // SNL to the SDP (SAP 1) with an SDREQ TLV (type 8: tid, name); the answer carries SDRES (type 9: tid, SAP).
        var sdreq = Assert.Single(pdus, p => p.Tx && p.Ptype == LlcpPtype.Snl && Tlvs(p.Information).Any(t => t.Type == 8 && t.Value.AsSpan(1).SequenceEqual(System.Text.Encoding.ASCII.GetBytes(DgramService))));
        Assert.Equal((1, 1), (sdreq.Dsap, sdreq.Ssap));
        byte tid = Tlvs(sdreq.Information).First(t => t.Type == 8).Value[0];
        Assert.Contains(pdus, p => !p.Tx && p.Ptype == LlcpPtype.Snl && Tlvs(p.Information).Any(t => t.Type == 9 && t.Value.SequenceEqual(new[] { tid, peerSap.Value })));

        // UI from our datagram socket's SAP to the peer's SAP, information = our bytes.
        Assert.Contains(pdus, p => p.Tx && p.Ptype == LlcpPtype.Ui && p.Dsap == peerSap && p.Ssap == onLocal.LocalSap && p.Information.SequenceEqual(datagram));

        // CONNECT by name goes to the SDP (SAP 1) with an SN TLV (type 6) naming the service (LLCP 1.1 §4.3.5).
        var connect = Assert.Single(pdus, p => p.Tx && p.Ptype == LlcpPtype.Connect && p.Ssap == clientSap);
        Assert.Equal(1, connect.Dsap);
        Assert.Contains(Tlvs(connect.Information), t => t.Type == 6 && t.Value.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(EchoService)));
        var cc = Assert.Single(pdus, p => !p.Tx && p.Ptype == LlcpPtype.Cc && p.Dsap == clientSap);
        byte serverSap = cc.Ssap;
        Assert.NotEqual(1, serverSap);

        // I PDUs: ours out with N(S) 0, the echo back; both between the connection's SAPs with our exact bytes.
        var iOut = Assert.Single(pdus, p => p.Tx && p.Ptype == LlcpPtype.I);
        Assert.Equal((serverSap, clientSap), (iOut.Dsap, iOut.Ssap));
        Assert.Equal(0, iOut.Sequence!.Value >> 4); // N(S) of the first I PDU
        Assert.Equal(message, iOut.Information);
        var iIn = Assert.Single(pdus, p => !p.Tx && p.Ptype == LlcpPtype.I);
        Assert.Equal((clientSap, serverSap), (iIn.Dsap, iIn.Ssap));
        Assert.Equal(message, iIn.Information);
        Assert.All(pdus.Where(p => p.Ptype is LlcpPtype.Rr or LlcpPtype.Rnr), p => Assert.NotNull(p.Sequence));

        // DISC from the client, DM (reason 0: disconnected, §4.3.8) back.
        Assert.Contains(pdus, p => p.Tx && p.Ptype == LlcpPtype.Disc && p.Dsap == serverSap && p.Ssap == clientSap);
        var dm = pdus.First(p => !p.Tx && p.Ptype == LlcpPtype.Dm && p.Dsap == clientSap);
        Assert.Equal(new byte[] { 0x00 }, dm.Information);
    }

    private sealed record Pdu(bool Tx, byte Dsap, LlcpPtype Ptype, byte Ssap, byte? Sequence, byte[] Information);

    private static List<Pdu> Decoded(List<Captured> frames)
    {
        Captured[] copy;
        lock (frames) copy = [.. frames];
        var list = new List<Pdu>();
        foreach (var f in copy)
        {
            var p = LlcpPdu.Parse(f.Pdu);
            list.Add(new Pdu(f.Tx, p.Dsap, p.Ptype, p.Ssap, p.Sequence, p.Information.ToArray()));
        }
        return list;
    }

    /// <summary>LLCP parameters are TLVs of one-octet type and length (LLCP 1.1 §4.4); our codec leaves them to the caller.</summary>
    private static List<(byte Type, byte[] Value)> Tlvs(byte[] information)
    {
        var list = new List<(byte, byte[])>();
        for (int i = 0; i + 2 <= information.Length;)
        {
            int len = information[i + 1];
            if (i + 2 + len > information.Length) throw new LlcpProtocolException($"TLV at {i} overruns the information field");
            list.Add((information[i], information.AsSpan(i + 2, len).ToArray()));
            i += 2 + len;
        }
        return list;
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + NfcLab.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50, ct);
        }
        return true;
    }
}
