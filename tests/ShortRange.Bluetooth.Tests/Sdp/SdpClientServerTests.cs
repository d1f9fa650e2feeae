using System.Threading.Channels;
using ShortRange.Bluetooth.Sdp;

namespace ShortRange.Bluetooth.Tests.Sdp;

/// <summary>Our client against our database over an in-memory transport, and against hostile servers (continuation abuse).</summary>
public class SdpClientServerTests
{
    /// <summary>A transport whose "server" is a function of the request bytes.</summary>
    private sealed class FakeTransport(Func<byte[], byte[]> server, int mtu = 672) : ISdpTransport
    {
        private readonly Channel<byte[]> _responses = Channel.CreateUnbounded<byte[]>();
        public int ReceiveMtu => mtu;
        public int SendMtu => mtu;
        public int Requests { get; private set; }

        public ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken)
        {
            Requests++;
            _responses.Writer.TryWrite(server(pdu.ToArray()));
            return ValueTask.CompletedTask;
        }

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var r = await _responses.Reader.ReadAsync(cancellationToken);
            int n = Math.Min(r.Length, buffer.Length);
            r.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static SdpDatabase Database(int extra = 0)
    {
        var db = new SdpDatabase();
        db.Add(SdpRecords.SerialPort(db.AllocateHandle(), 3, "Echo"));
        db.Add(SdpRecords.Pan(db.AllocateHandle(), SdpUuid.NAP));
        for (int i = 0; i < extra; i++) db.Add(SdpRecords.SerialPort(db.AllocateHandle(), (byte)(4 + i % 20), "Port " + i));
        return db;
    }

    [Fact]
    public async Task Browse_over_a_small_MTU_reassembles_continuations()
    {
        var db = Database(extra: 30);
        var t = new FakeTransport(req => db.Handle(req, 48), mtu: 48);
        await using var client = new SdpClient(t);
        var records = await client.BrowseAsync(TestContext.Current.CancellationToken);
        Assert.Equal(32, records.Count); // the server record (handle 0) is not in the public browse group
        Assert.True(t.Requests > 10, $"{t.Requests} requests");
        var spp = records.Single(r => r.ServiceName == "Echo");
        Assert.Equal((byte)3, spp.RfcommChannel);
        var nap = records.Single(r => r.ServiceClassIds.Contains(SdpUuid.FromShort(SdpUuid.NAP)));
        Assert.Equal((ushort)SdpUuid.BNEP, nap.L2capPsm);
    }

    [Fact]
    public async Task ServiceSearch_then_ServiceAttribute()
    {
        var db = Database(extra: 40);
        var t = new FakeTransport(req => db.Handle(req, 48), mtu: 48);
        await using var client = new SdpClient(t);
        var ct = TestContext.Current.CancellationToken;
        var handles = await client.ServiceSearchAsync([SdpUuid.FromShort(SdpUuid.SerialPort)], cancellationToken: ct);
        Assert.Equal(41, handles.Count);
        var r = await client.ServiceAttributeAsync(handles[0], [SdpAttributeRange.Single(SdpAttributeId.ProtocolDescriptorList)], ct);
        Assert.Equal((byte)3, r.RfcommChannel);
        Assert.Single(r.Attributes);
        var err = await Assert.ThrowsAsync<SdpErrorResponseException>(() => client.ServiceAttributeAsync(0xDEAD, null, ct));
        Assert.Equal(SdpErrorCode.InvalidServiceRecordHandle, err.ErrorCode);
    }

    [Fact]
    public async Task A_server_that_repeats_its_continuation_state_is_cut_off()
    {
        // Always answers with the same partial fragment and continuation state 0xAA: a loop.
        var t = new FakeTransport(req => SdpPduCodec.Encode(new SdpAttributeResponse((ushort)(req[1] << 8 | req[2]), true, new byte[] { 0x35 },
            new SdpContinuationState(new byte[] { 0xAA }))));
        await using var client = new SdpClient(t);
        await Assert.ThrowsAsync<SdpContinuationException>(() => client.BrowseAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, t.Requests);
    }

    [Fact]
    public async Task A_server_that_never_ends_is_cut_off_by_count_and_size()
    {
        int n = 0;
        var t = new FakeTransport(req => SdpPduCodec.Encode(new SdpAttributeResponse((ushort)(req[1] << 8 | req[2]), true, new byte[600],
            new SdpContinuationState(BitConverter.GetBytes(++n)))));
        await using var client = new SdpClient(t);
        await Assert.ThrowsAsync<SdpContinuationException>(() => client.BrowseAsync(TestContext.Current.CancellationToken));
        Assert.True(t.Requests <= SdpClient.MaxContinuations, $"{t.Requests} requests");
    }

    [Fact]
    public void Database_rejects_forged_continuation_and_bad_syntax()
    {
        var db = Database();
        var forged = SdpPduCodec.Encode(new SdpServiceSearchAttributeRequest(7, [SdpUuid.FromShort(0x1002)], 100, [SdpAttributeRange.All],
            new SdpContinuationState(new byte[] { 0x7F, 0, 0, 0 })));
        Assert.Equal(SdpErrorCode.InvalidContinuationState, Assert.IsType<SdpErrorResponse>(SdpPduCodec.Decode(db.Handle(forged, 672))).ErrorCode);
        var garbage = new byte[] { 0x06, 0x00, 0x09, 0x00, 0x02, 0xFF, 0xFF };
        var e = Assert.IsType<SdpErrorResponse>(SdpPduCodec.Decode(db.Handle(garbage, 672)));
        Assert.Equal(SdpErrorCode.InvalidRequestSyntax, e.ErrorCode);
        Assert.Equal(9, e.TransactionId);
        var wrongLength = new byte[] { 0x06, 0x00, 0x09, 0x00, 0x09, 0x00 };
        Assert.Equal(SdpErrorCode.InvalidPduSize, Assert.IsType<SdpErrorResponse>(SdpPduCodec.Decode(db.Handle(wrongLength, 672))).ErrorCode);
    }
}
