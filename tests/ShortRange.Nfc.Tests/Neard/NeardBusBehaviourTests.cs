using System.Reactive.Linq;
using ShortRange.Nfc.Neard;
using ShortRange.Nfc.Neard.Bus;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Tests.Neard;

/// <summary>
/// Behaviours of Tmds.DBus.Protocol 0.95.2 the neard client designs around, each against the neard stand-in on a real
/// dbus-daemon. Every test here fails (hangs into its bound, or loses the connection) without the matching fix.
/// </summary>
[Collection(NeardTestBusCollection.Name)]
public sealed class NeardBusBehaviourTests(NeardTestBus bus)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KeyValuePair<string, object> P(string k, object v) => new(k, v);

    [Fact]
    public async Task WhenSubscribed_waits_until_the_bus_has_added_the_match_rules()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        int before = await neard.MatchRulesContainingAsync("member='InterfacesAdded'");
        // A stopped daemon holds the AddMatch (and GetNameOwner) replies back: readiness must wait for them.
        Assert.Equal(0, Kill("-STOP", bus.DaemonPid));
        Task ready;
        IDisposable sub;
        try
        {
            sub = client.WatchObjects().Subscribe(_ => { });
            ready = client.WhenSubscribedAsync(Ct);
            await Task.WhenAny(ready, Task.Delay(500, Ct));
            Assert.False(ready.IsCompleted, "WhenSubscribedAsync completed while the bus could not have answered");
        }
        finally
        {
            Assert.Equal(0, Kill("-CONT", bus.DaemonPid));
        }
        using (sub)
        {
            await ready.WaitAsync(Bound, Ct);
            Assert.True(await neard.MatchRulesContainingAsync("member='InterfacesAdded'") > before);
            // And what it promises: a change made by another connection right after it is delivered.
            var seen = client.WatchObjects().Where(e => e.Added).Replay();
            using var connect = seen.Connect();
            await client.WhenSubscribedAsync(Ct);
            string path = await neard.SpawnAsync("Type 2", []);
            Assert.Equal(path, (await seen.FirstAsync().Timeout(Bound)).Object.Path);
        }
    }

    private static int Kill(string signal, int pid)
    {
        using var p = System.Diagnostics.Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        p.WaitForExit();
        return p.ExitCode;
    }

    [Fact]
    public async Task A_blocked_subscriber_does_not_stall_calls_on_the_same_connection()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        using var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = client.WatchObjects().Subscribe(_ =>
        {
            entered.TrySetResult();
            gate.Wait(TimeSpan.FromSeconds(60)); // a subscriber that blocks
        });
        await client.WhenSubscribedAsync(Ct);
        await neard.SpawnAsync("Type 2", []);
        await entered.Task.WaitAsync(Bound, Ct);
        try
        {
            // Were the subscriber on the receive loop, this reply would wait behind it.
            Assert.Single(await client.GetAdaptersAsync(Ct).WaitAsync(Bound, Ct));
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task Code_after_an_awaited_call_does_not_run_on_the_receive_loop()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        using var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = Task.Run(async () =>
        {
            await client.GetAdaptersAsync(Ct).ConfigureAwait(false);
            entered.TrySetResult();
            gate.Wait(TimeSpan.FromSeconds(60)); // user code that blocks after the await
        }, Ct);
        await entered.Task.WaitAsync(Bound, Ct);
        try
        {
            Assert.Single(await client.GetAdaptersAsync(Ct).WaitAsync(Bound, Ct));
        }
        finally
        {
            gate.Set();
        }
        await blocked.WaitAsync(Bound, Ct);
    }

    [Fact]
    public async Task A_blocked_ndef_agent_does_not_stall_calls_on_the_same_connection()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        using var gate = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var reg = await client.RegisterNdefAgentAsync("Text", _ =>
        {
            entered.TrySetResult();
            gate.Wait(TimeSpan.FromSeconds(60));
            return default;
        }, null, Ct);
        await neard.SpawnAsync("Type 2", [0xD1, 0x01, 0x01, 0x54, 0x00], false, "nfc0", [P("Type", "Text")]);
        await entered.Task.WaitAsync(Bound, Ct);
        try
        {
            Assert.Single(await client.GetAdaptersAsync(Ct).WaitAsync(Bound, Ct));
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task A_throwing_subscriber_ends_only_its_own_subscription()
    {
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        int badCalls = 0;
        using var bad = client.WatchObjects().Subscribe(_ =>
        {
            Interlocked.Increment(ref badCalls);
            throw new InvalidOperationException("a bad subscriber");
        });
        var good = client.WatchObjects().Where(e => e.Added && e.Object.Kind == NeardObjectKind.Tag).Replay();
        using var connect = good.Connect();
        await client.WhenSubscribedAsync(Ct);
        string first = await neard.SpawnAsync("Type 2", []);
        Assert.Equal(first, (await good.FirstAsync().Timeout(Bound)).Object.Path);
        string second = await neard.SpawnAsync("Type 3", []);
        Assert.Equal(second, (await good.Skip(1).FirstAsync().Timeout(Bound)).Object.Path);
        Assert.Single(await client.GetAdaptersAsync(Ct).WaitAsync(Bound, Ct)); // the connection is still up
        Assert.Equal(1, Volatile.Read(ref badCalls)); // the bad subscription ended after its throw
    }

    [Fact]
    public async Task A_call_that_gets_no_reply_is_cancelled_and_times_out_and_the_connection_stays_usable()
    {
        Assert.SkipWhen(bus.SkipReason is not null, bus.SkipReason ?? "");
        using var silent = await bus.ConnectAsync();
        var held = new List<MethodContext>();
        silent.AddMethodHandler(new SilentHandler(held));
        using var nb = await NeardBus.ConnectAsync(bus.Address!, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, Ct);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => nb.CallAsync(Silent(nb, silent.UniqueName!), cts.Token).WaitAsync(Bound, Ct));
        await Assert.ThrowsAsync<TimeoutException>(() =>
            NeardBus.Bounded(nb.Connection.CallMethodAsync(Silent(nb, silent.UniqueName!)), TimeSpan.FromMilliseconds(300), Ct).WaitAsync(Bound, Ct));
        Assert.Equal(nb.Connection.UniqueName, await nb.GetNameOwnerAsync(nb.Connection.UniqueName!, Ct).WaitAsync(Bound, Ct));
        lock (held) Assert.Equal(2, held.Count);
    }

    private static MessageBuffer Silent(NeardBus nb, string destination)
    {
        using var w = nb.Connection.GetMessageWriter();
        w.WriteMethodCallHeader(destination, "/silent", "org.shortrange.Silent", "Never", null);
        return w.CreateMessage();
    }

    /// <summary>Takes every call and never replies (the context is kept, disposed with the connection).</summary>
    private sealed class SilentHandler(List<MethodContext> held) : IPathMethodHandler
    {
        public string Path => "/silent";

        public bool HandlesChildPaths => false;

        public ValueTask HandleMethodAsync(MethodContext context)
        {
            context.DisposesAsynchronously = true;
            lock (held) held.Add(context);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Push_of_every_attribute_arrives_intact()
    {
        // The a{sv} writer takes MessageWriter by ref; by value, the message would end before the dictionary.
        await using var neard = await FakeNeard.StartAsync(bus);
        await using var client = await NeardClient.ConnectAsync(bus.Address, null, Ct);
        string path = await neard.SpawnAsync("device", []);
        var record = new NeardRecordProperties("SmartPoster")
        {
            Encoding = "UTF-8", Language = "en", Representation = "title", Uri = "https://nfc-forum.org", MimeType = "text/html",
            Size = 4096, Action = "Save", AndroidPackage = "org.example", Carrier = "wifi", Payload = [1, 2, 3],
        };
        await client.GetDevice(path).PushAsync(record, Ct);
        var pushed = (await neard.CallAsync("LastPushed"))[0].GetStringDictionary();
        Assert.Equal(record.ToDictionary().Select(kv => kv.Key).Order(), pushed.Keys.Order());
        var parsed = NeardRecordProperties.FromDictionary(pushed);
        Assert.Equal(record with { Payload = null }, parsed with { Payload = null });
        Assert.Equal(record.Payload, parsed.Payload);
    }
}
