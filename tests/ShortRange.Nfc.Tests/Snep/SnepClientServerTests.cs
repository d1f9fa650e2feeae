using System.Buffers.Binary;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Snep;
using ShortRange.Nfc.Tests.Llcp;

namespace ShortRange.Nfc.Tests.Snep;

public class SnepClientServerTests
{
    private static readonly byte[] Message = NdefMessage.Encode([
        NdefTextRecord.Create("hello", "en"), NdefUriRecord.Create("https://example.com/"),
        NdefRecords.Mime("application/x-test", new byte[] { 9, 8, 7 })]);

    private static (SnepClient Client, InMemoryLlcpLink ClientSide, InMemoryLlcpLink ServerSide, Task Serving, List<byte[]> Puts)
        Start(int miu = 128, SnepGetHandler? onGet = null, uint maxMessage = 1024 * 1024)
    {
        var (a, b) = InMemoryLlcpLink.CreatePair(miu);
        var puts = new List<byte[]>();
        var server = new SnepServer((ndef, _) => { lock (puts) puts.Add(ndef); return ValueTask.CompletedTask; }, onGet) { MaxMessageLength = maxMessage };
        var serving = server.HandleConnectionAsync(b, TestContext.Current.CancellationToken);
        return (new SnepClient(a), a, b, serving, puts);
    }

    [Fact]
    public async Task Put_that_fits_one_pdu_is_received_identical()
    {
        var (client, a, _, serving, puts) = Start(miu: 1024);
        await client.PutAsync(Message, TestContext.Current.CancellationToken);
        client.Dispose();
        await serving.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(Message, Assert.Single(puts));
        Assert.Single(a.SentPdus); // no fragmentation, no Continue
    }

    [Fact]
    public async Task Put_longer_than_the_miu_waits_for_continue_then_sends_the_rest()
    {
        var big = NdefMessage.Encode([NdefRecords.Mime("application/octet-stream", Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray())]);
        var (client, a, b, serving, puts) = Start(miu: 128);
        await client.PutAsync(big, TestContext.Current.CancellationToken);
        client.Dispose();
        await serving.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(big, Assert.Single(puts));
        // Server: Continue (0x80) after the first fragment, then Success (0x81).
        Assert.Equal(new byte[] { 0x10, 0x80, 0, 0, 0, 0 }, b.SentPdus[0]);
        Assert.Equal(new byte[] { 0x10, 0x81, 0, 0, 0, 0 }, b.SentPdus[1]);
        Assert.Equal(128, a.SentPdus[0].Length);
    }

    [Fact]
    public async Task Get_answer_is_fragmented_and_continued_by_the_client()
    {
        var answer = NdefMessage.Encode([NdefRecords.Mime("application/octet-stream", new byte[700])]);
        var (client, a, _, _, _) = Start(miu: 128, onGet: (req, _) => ValueTask.FromResult<byte[]?>(answer));
        var got = await client.GetAsync(Message, 4096, TestContext.Current.CancellationToken);
        Assert.Equal(answer, got);
        Assert.Contains(a.SentPdus, p => p.AsSpan().SequenceEqual(new byte[] { 0x10, 0x00, 0, 0, 0, 0 })); // Continue request
    }

    [Fact]
    public async Task Get_without_a_handler_or_with_null_is_not_found()
    {
        var (client, _, _, _, _) = Start();
        var e = await Assert.ThrowsAsync<SnepProtocolException>(() => client.GetAsync(Message, 1024, TestContext.Current.CancellationToken));
        Assert.Equal((byte)SnepCode.NotFound, e.Code);
    }

    [Fact]
    public async Task Get_answer_over_the_acceptable_length_is_excess_data()
    {
        var (client, _, _, _, _) = Start(onGet: (req, _) => ValueTask.FromResult<byte[]?>(new byte[100]));
        var e = await Assert.ThrowsAsync<SnepProtocolException>(() => client.GetAsync(Message, 50, TestContext.Current.CancellationToken));
        Assert.Equal((byte)SnepCode.ExcessData, e.Code);
    }

    [Fact]
    public async Task Request_announcing_4_GiB_is_answered_excess_data_without_allocating_and_the_connection_survives()
    {
        var (client, a, b, serving, puts) = Start(maxMessage: 4096);
        var ct = TestContext.Current.CancellationToken;
        // A hostile header: PUT with length 0xFFFFFFFF and 10 bytes of information.
        var hostile = new byte[16];
        new SnepHeader(SnepHeader.Version10, SnepCode.Put, uint.MaxValue).Write(hostile);
        long before = GC.GetAllocatedBytesForCurrentThread();
        await a.SendAsync(hostile, ct);
        var reply = new byte[6];
        Assert.Equal(6, await a.ReceiveAsync(reply, ct));
        Assert.Equal((byte)SnepCode.ExcessData, reply[1]);
        // The connection still works afterwards.
        await client.PutAsync(Message, ct);
        Assert.Equal(Message, Assert.Single(puts));
        Assert.True(GC.GetTotalAllocatedBytes() - before < 64L * 1024 * 1024, "nothing close to the announced length was allocated");
    }

    [Fact]
    public async Task Unsupported_major_version_is_answered_and_the_connection_closed()
    {
        var (_, a, _, serving, _) = Start();
        var ct = TestContext.Current.CancellationToken;
        await a.SendAsync(new byte[] { 0x20, 0x02, 0, 0, 0, 0 }, ct);
        var reply = new byte[6];
        Assert.Equal(6, await a.ReceiveAsync(reply, ct));
        Assert.Equal((byte)SnepCode.UnsupportedVersion, reply[1]);
        await serving.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    [Fact]
    public async Task Unknown_request_is_not_implemented_and_garbage_after_the_length_is_bad_request()
    {
        var (_, a, _, _, _) = Start();
        var ct = TestContext.Current.CancellationToken;
        await a.SendAsync(new byte[] { 0x10, 0x05, 0, 0, 0, 0 }, ct);
        var reply = new byte[6];
        Assert.Equal(6, await a.ReceiveAsync(reply, ct));
        Assert.Equal((byte)SnepCode.NotImplemented, reply[1]);
        await a.SendAsync(new byte[] { 0x10, 0x02, 0, 0, 0, 1, 0xAA, 0xBB }, ct); // one byte announced, two sent
        Assert.Equal(6, await a.ReceiveAsync(reply, ct));
        Assert.Equal((byte)SnepCode.BadRequest, reply[1]);
    }

    [Fact]
    public async Task Server_that_refuses_a_fragmented_put_makes_the_client_throw_with_the_code()
    {
        var (client, _, _, _, puts) = Start(miu: 128, maxMessage: 200);
        var big = NdefMessage.Encode([NdefRecords.Mime("application/octet-stream", new byte[500])]);
        var e = await Assert.ThrowsAsync<SnepProtocolException>(() => client.PutAsync(big, TestContext.Current.CancellationToken));
        Assert.Equal((byte)SnepCode.ExcessData, e.Code);
        Assert.Empty(puts);
    }

    [Fact]
    public async Task Get_request_carries_the_acceptable_length_big_endian()
    {
        byte[]? seen = null;
        var (client, a, _, _, _) = Start(onGet: (req, _) => { seen = req; return ValueTask.FromResult<byte[]?>([]); });
        await client.GetAsync(Message, 0x00012345, TestContext.Current.CancellationToken);
        Assert.Equal(Message, seen);
        Assert.Equal(0x00012345u, BinaryPrimitives.ReadUInt32BigEndian(a.SentPdus[0].AsSpan(6)));
    }
}
