using System.Net.Sockets;
using System.Text;
using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>A hand-written bus on a temp unix socket that authenticates, answers Hello, then misbehaves.</summary>
public class FakeBusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Connection Client, Socket Peer, string Dir)> ConnectToFakeBusAsync()
    {
        string dir = Directory.CreateTempSubdirectory("shortrange-fakebus-").FullName;
        string path = Path.Combine(dir, "bus");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Connection(new ConnectionOptions { Address = "unix:path=" + path });
        Task connect = client.ConnectAsync(Ct);
        Socket peer = await listener.AcceptAsync(Ct);
        // SASL: NUL + AUTH, NEGOTIATE_UNIX_FD, BEGIN
        var text = new StringBuilder();
        var transcript = new StringBuilder();
        byte[] one = new byte[1];
        while (!text.ToString().EndsWith("BEGIN\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await peer.ReceiveAsync(one, Ct));
            text.Append((char)one[0]);
            transcript.Append((char)one[0]);
            string s = text.ToString();
            if (s.EndsWith("\r\n", StringComparison.Ordinal) && s.Contains("AUTH EXTERNAL", StringComparison.Ordinal) && !s.Contains("OK-SENT", StringComparison.Ordinal))
            {
                await peer.SendAsync("OK 0123456789abcdef0123456789abcdef\r\n"u8.ToArray(), Ct);
                text.Append("OK-SENT");
            }
            if (s.EndsWith("NEGOTIATE_UNIX_FD\r\n", StringComparison.Ordinal))
            {
                await peer.SendAsync("AGREE_UNIX_FD\r\n"u8.ToArray(), Ct);
                text.Clear().Append("OK-SENT");
            }
        }
        string uid = Interop.geteuid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("\0AUTH EXTERNAL " + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid)) + "\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n", transcript.ToString());
        // Read the Hello call (serial 1) and answer it.
        byte[] header = new byte[16];
        await ReceiveExactly(peer, header);
        int total = Message.GetTotalLength(header);
        byte[] rest = new byte[total - 16];
        await ReceiveExactly(peer, rest);
        await peer.SendAsync(HelloReply(), Ct);
        await connect.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(":1.99", client.UniqueName);
        return (client, peer, dir);
    }

    private static async Task ReceiveExactly(Socket s, byte[] buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = await s.ReceiveAsync(buffer.AsMemory(got), Ct);
            Assert.NotEqual(0, n);
            got += n;
        }
    }

    private static byte[] HelloReply()
    {
        var w = new MessageWriter();
        try
        {
            w.WriteMethodReturnHeader(1, ":1.99"u8, "s");
            w.WriteString(":1.99");
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 1;
            return b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    [Theory]
    [InlineData("bad-endianness")]
    [InlineData("huge-length")]
    [InlineData("bad-signature")]
    public async Task Garbage_closes_the_connection_with_ProtocolException(string kind)
    {
        var (client, peer, dir) = await ConnectToFakeBusAsync();
        try
        {
            Task<string[]> pending = client.ListNamesAsync(Ct);
            byte[] garbage = kind switch
            {
                "bad-endianness" => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n\r\n"),
                // a header claiming a 2^30-byte body: rejected from the first 16 bytes, nothing allocated for it
                "huge-length" => Convert.FromHexString("6c020001000000400200000000000000"),
                // a signal whose SIGNATURE field holds "a{vs}"
                _ => BadSignatureSignal(),
            };
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await peer.SendAsync(garbage, Ct);
            Exception reason = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.IsType<ProtocolException>(reason);
            Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 * 1024 * 1024);
            var error = await Assert.ThrowsAsync<DisconnectedException>(() => pending);
            Assert.Same(reason, error.InnerException);
        }
        finally
        {
            client.Dispose();
            peer.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] BadSignatureSignal()
    {
        var w = new MessageWriter();
        byte[] bytes;
        try
        {
            w.WriteSignalHeader(null, "/p", "a.b", "M", "a{sv}");
            ArrayStart a = w.WriteDictionaryStart();
            w.WriteDictionaryEnd(a);
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 7;
            bytes = b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
        int at = Encoding.ASCII.GetString(bytes).IndexOf("a{sv}", StringComparison.Ordinal);
        Encoding.ASCII.GetBytes("a{vs}").CopyTo(bytes, at);
        return bytes;
    }

    [Fact]
    public async Task Peer_closing_fails_pending_calls()
    {
        var (client, peer, dir) = await ConnectToFakeBusAsync();
        try
        {
            Task<string[]> pending = client.ListNamesAsync(Ct);
            peer.Shutdown(SocketShutdown.Both);
            peer.Dispose();
            var error = await Assert.ThrowsAsync<DisconnectedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), Ct));
            Assert.IsType<IOException>(error.InnerException);
        }
        finally
        {
            client.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Cancelling_ConnectAsync_aborts_a_handshake_the_bus_never_answers()
    {
        // Connect and SASL are blocking calls on a pool thread: cancellation must still end them promptly.
        string dir = Directory.CreateTempSubdirectory("shortrange-fakebus-").FullName;
        try
        {
            string path = Path.Combine(dir, "bus");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            var client = new Connection(new ConnectionOptions { Address = "unix:path=" + path });
            using var cts = new CancellationTokenSource();
            Task connect = client.ConnectAsync(cts.Token);
            using Socket peer = await listener.AcceptAsync(Ct);
            byte[] buffer = new byte[256];
            Assert.True(await peer.ReceiveAsync(buffer, Ct) > 0); // the AUTH line arrived; never answer it
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WaitAsync(TimeSpan.FromSeconds(10), Ct));
            // The client's socket is closed: the peer reads end of stream.
            int n;
            do
            {
                n = await peer.ReceiveAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
            }
            while (n > 0);
            client.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
