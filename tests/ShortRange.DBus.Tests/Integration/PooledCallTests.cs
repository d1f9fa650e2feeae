using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary><see cref="Connection.CallMethodPooledAsync{T}"/>: reuse of its pooled sources under load, cancellation,
/// timeout and connection loss.</summary>
[Collection(DBusDaemonCollection.Name)]
public class PooledCallTests(DBusDaemon daemon)
{
    private const string ObjectPath = "/org/shortrange/Pooled";
    private static MessageBuffer Echo(string destination, string text, string member = "Echo") =>
        TestInterface.Call(destination, ObjectPath, member, text);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly MessageValueReader<string> ReadString = static (m, _) => m.GetBodyReader().ReadString();

    [Fact]
    public async Task Reused_sources_return_each_caller_its_own_reply()
    {
        await using Connection server = await daemon.ConnectAsync();
        using IDisposable export = server.Export(ObjectPath, new TestInterface());
        await using Connection client = await daemon.ConnectAsync();
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal("s" + i, await client.CallMethodPooledAsync(Echo(server.UniqueName!, "s" + i), ReadString, null, Ct));
        }
        // 16 callers at once, 50 calls each: sources move between callers through the pool.
        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                string text = $"w{w}-{i}";
                Assert.Equal(text, await client.CallMethodPooledAsync(Echo(server.UniqueName!, text), ReadString, null, Ct));
            }
        }, Ct));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        // A D-Bus error and a throwing reader come back as exceptions, and the source is reused afterwards.
        var error = await Assert.ThrowsAsync<DBusErrorException>(async () =>
            await client.CallMethodPooledAsync(Echo(server.UniqueName!, "x", member: "NoSuchMethod"), ReadString, null, Ct));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", error.ErrorName);
        await Assert.ThrowsAsync<FormatException>(async () =>
            await client.CallMethodPooledAsync<int>(Echo(server.UniqueName!, "x"), static (_, _) => throw new FormatException("reader"), null, Ct));
        Assert.Equal("after", await client.CallMethodPooledAsync(Echo(server.UniqueName!, "after"), ReadString, null, Ct));
    }

    [Fact]
    public async Task A_cancelled_call_recycles_its_source_without_touching_the_next_call()
    {
        await using Connection client = await daemon.ConnectAsync();
        await using Connection slow = await daemon.ConnectAsync();
        var release = new TaskCompletionSource();
        using IDisposable export = slow.Export(ObjectPath, new RepliesWhenReleased(release.Task));
        using (var cts = new CancellationTokenSource())
        {
            ValueTask<string> cancelled = client.CallMethodPooledAsync(Echo(slow.UniqueName!, "cancelled"), ReadString, null, cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled);
        }
        // Very likely the same pooled source: it must carry only the new call, and the late reply to the cancelled
        // call (released below) must be dropped.
        using var unrelated = new CancellationTokenSource();
        ValueTask<string> next = client.CallMethodPooledAsync(Echo(slow.UniqueName!, "next"), ReadString, null, unrelated.Token);
        release.SetResult();
        Assert.Equal("next", await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await unrelated.CancelAsync(); // a registration of a finished call does nothing
        Assert.Equal("again", await client.CallMethodPooledAsync(Echo(slow.UniqueName!, "again"), ReadString, null, Ct));
    }

    [Fact]
    public async Task Timeout_and_connection_loss_fail_pooled_calls()
    {
        await using Connection silent = await daemon.ConnectAsync();
        var never = new TaskCompletionSource();
        using IDisposable export = silent.Export(ObjectPath, new RepliesWhenReleased(never.Task));
        await using (Connection hasty = await daemon.ConnectAsync(timeout: TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAsync<TimeoutException>(async () => await hasty.CallMethodPooledAsync(Echo(silent.UniqueName!, "t"), ReadString, null, Ct));
        }
        Connection client = await daemon.ConnectAsync();
        ValueTask<string> pending = client.CallMethodPooledAsync(Echo(silent.UniqueName!, "lost"), ReadString, null, Ct);
        var reason = new IOException("test drops the connection");
        client.Disconnect(reason);
        var error = await Assert.ThrowsAsync<DisconnectedException>(async () => await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Same(reason, error.InnerException);
        var after = await Assert.ThrowsAsync<DisconnectedException>(async () => await client.CallMethodPooledAsync(Echo(silent.UniqueName!, "x"), ReadString, null, Ct));
        Assert.Same(reason, after.InnerException);
        never.SetResult();
    }
}
