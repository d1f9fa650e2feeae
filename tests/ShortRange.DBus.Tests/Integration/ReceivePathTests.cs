using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>
/// The receive path: a dedicated thread blocking in recvmsg, replies and signals parsed in place in the receive
/// buffer (method calls copied), and what happens to it on dispose.
/// </summary>
[Collection(DBusDaemonCollection.Name)]
public class ReceivePathTests(DBusDaemon daemon)
{
    private const string ObjectPath = "/org/shortrange/Receive";
    private static MessageBuffer Echo(string destination, string text) => TestInterface.Call(destination, ObjectPath, "Echo", text);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Many_replies_of_mixed_sizes_in_flight_each_reach_their_caller()
    {
        await using Connection server = await daemon.ConnectAsync();
        using IDisposable export = server.Export(ObjectPath, new TestInterface());
        await using Connection client = await daemon.ConnectAsync();
        // Sizes from empty to 3× the 64 KiB receive buffer, so replies share reads, straddle them and force growth.
        int[] sizes = Enumerable.Range(0, 300).Select(i => i % 50 == 7 ? 200_000 + i : (i * 997) % 9000).ToArray();
        Task<string>[] calls = sizes.Select((size, i) =>
        {
            string text = new string((char)('a' + (i % 26)), size) + i;
            return client.CallMethodAsync(Echo(server.UniqueName!, text), static (m, _) => m.GetBodyReader().ReadString(), null, Ct);
        }).ToArray();
        string[] replies = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        for (int i = 0; i < sizes.Length; i++)
        {
            Assert.Equal(sizes[i] + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length, replies[i].Length);
            Assert.EndsWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture), replies[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_reply_message_is_unusable_after_its_reader_returns()
    {
        // Replies are parsed in place in the receive buffer: a Message kept past the reader must fail loudly,
        // never show bytes of a later message.
        await using Connection server = await daemon.ConnectAsync();
        using IDisposable export = server.Export(ObjectPath, new TestInterface());
        await using Connection client = await daemon.ConnectAsync();
        Message kept = await client.CallMethodAsync(Echo(server.UniqueName!, "first"), static (m, _) => m, null, Ct);
        Assert.Equal("second", await client.CallMethodAsync(Echo(server.UniqueName!, "second"), static (m, _) => m.GetBodyReader().ReadString(), null, Ct));
        Assert.Throws<ObjectDisposedException>(() => kept.GetBodyReader().ReadString());
        Assert.Throws<ObjectDisposedException>(() => kept.Sender.Length);
    }

    [Fact]
    public async Task Dispose_wakes_the_blocked_receive_thread_fails_pending_calls_and_ends_the_thread()
    {
        Connection client = await daemon.ConnectAsync();
        await using Connection silent = await daemon.ConnectAsync();
        using IDisposable export = silent.Export(ObjectPath, new NeverReplies());
        Thread receiver = Assert.IsType<Thread>(client.ReceiveThread);
        Assert.True(receiver.IsAlive);
        Task pending = client.CallMethodAsync(Echo(silent.UniqueName!, "x"), Ct);
        await Task.Delay(100, Ct); // let the receive thread block in recvmsg with nothing to read
        client.Dispose();
        var error = await Assert.ThrowsAsync<DisconnectedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.IsType<ObjectDisposedException>(error.InnerException);
        Assert.True(receiver.Join(TimeSpan.FromSeconds(10)), "the receive thread did not end after Dispose");
    }

    [Fact]
    public async Task Cancelled_call_ignores_its_late_reply_and_the_connection_goes_on()
    {
        await using Connection client = await daemon.ConnectAsync();
        await using Connection slow = await daemon.ConnectAsync();
        var release = new TaskCompletionSource();
        using IDisposable export = slow.Export(ObjectPath, new RepliesWhenReleased(release.Task));
        using (var cts = new CancellationTokenSource())
        {
            Task<string> cancelled = client.CallMethodAsync(Echo(slow.UniqueName!, "late"), static (m, _) => m.GetBodyReader().ReadString(), null, cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        }
        release.SetResult(); // the late reply arrives now and must be dropped
        string next = await client.CallMethodAsync(Echo(slow.UniqueName!, "next"), static (m, _) => m.GetBodyReader().ReadString(), null, Ct)
            .WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("next", next);
    }

    private sealed class NeverReplies : DBusInterface
    {
        public override string Name => TestInterface.InterfaceName;

        // Longer than any wait in these tests.
        public override async ValueTask HandleMethodAsync(MethodContext context) => await Task.Delay(TimeSpan.FromSeconds(30));
    }
}
