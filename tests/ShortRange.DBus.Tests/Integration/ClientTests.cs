using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>Our client against the real dbus-daemon and a python3-dbus service.</summary>
[Collection(DBusDaemonCollection.Name)]
public class ClientTests(DBusDaemon daemon)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hello_and_bus_methods()
    {
        await using Connection c = await daemon.ConnectAsync();
        Assert.StartsWith(":", c.UniqueName, StringComparison.Ordinal);
        Assert.True(c.SupportsUnixFdPassing);
        string[] names = await c.ListNamesAsync(Ct);
        Assert.Contains("org.freedesktop.DBus", names);
        Assert.Contains(c.UniqueName!, names);
        Assert.Equal(c.UniqueName, await c.GetNameOwnerAsync(c.UniqueName!, Ct));
        Assert.True(await c.NameHasOwnerAsync("org.freedesktop.DBus", Ct));
        Assert.False(await c.NameHasOwnerAsync("org.shortrange.Nobody", Ct));
        var e = await Assert.ThrowsAsync<DBusErrorException>(() => c.GetNameOwnerAsync("org.shortrange.Nobody", Ct));
        Assert.Equal("org.freedesktop.DBus.Error.NameHasNoOwner", e.ErrorName);
    }

    [Fact]
    public async Task Request_and_release_name_with_NameOwnerChanged()
    {
        await using Connection owner = await daemon.ConnectAsync();
        await using Connection watcher = await daemon.ConnectAsync();
        var changes = new List<NameOwnerChange>();
        var gotRelease = new TaskCompletionSource();
        using IDisposable sub = watcher.WatchNameOwnerChanged("org.shortrange.Owned").Subscribe(ch =>
        {
            lock (changes)
            {
                changes.Add(ch);
                if (ch.NewOwner is null)
                {
                    gotRelease.TrySetResult();
                }
            }
        });
        await watcher.NameHasOwnerAsync("org.shortrange.Owned", Ct); // orders the AddMatch before what follows
        Assert.Equal(RequestNameReply.PrimaryOwner, await owner.RequestNameAsync("org.shortrange.Owned", cancellationToken: Ct));
        Assert.Equal(RequestNameReply.AlreadyOwner, await owner.RequestNameAsync("org.shortrange.Owned", cancellationToken: Ct));
        Assert.Equal(RequestNameReply.Exists, await watcher.RequestNameAsync("org.shortrange.Owned", cancellationToken: Ct));
        Assert.Equal(ReleaseNameReply.NotOwner, await watcher.ReleaseNameAsync("org.shortrange.Owned", Ct));
        Assert.Equal(ReleaseNameReply.Released, await owner.ReleaseNameAsync("org.shortrange.Owned", Ct));
        await gotRelease.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        lock (changes)
        {
            Assert.Equal(new NameOwnerChange("org.shortrange.Owned", null, owner.UniqueName), changes[0]);
            Assert.Equal(new NameOwnerChange("org.shortrange.Owned", owner.UniqueName, null), changes[^1]);
        }
    }

    [Fact]
    public async Task AddMatchAsync_delivers_until_disposed()
    {
        await using Connection c = await daemon.ConnectAsync();
        await using Connection other = await daemon.ConnectAsync();
        var seen = new List<string>();
        var first = new TaskCompletionSource();
        IDisposable match = await c.AddMatchAsync(
            new MatchRule { Sender = Connection.BusName, Interface = Connection.BusInterface, Member = "NameOwnerChanged", Arg0 = "org.shortrange.Match" },
            static (m, _) => m.GetBodyReader().ReadString(),
            (error, name) =>
            {
                Assert.Null(error);
                lock (seen)
                {
                    seen.Add(name);
                }
                first.TrySetResult();
            },
            cancellationToken: Ct);
        await other.RequestNameAsync("org.shortrange.Match", cancellationToken: Ct);
        await first.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        match.Dispose();
        await c.ListNamesAsync(Ct); // RemoveMatch is processed before this reply
        await other.ReleaseNameAsync("org.shortrange.Match", Ct);
        await c.ListNamesAsync(Ct);
        await other.ListNamesAsync(Ct);
        lock (seen)
        {
            Assert.Equal(["org.shortrange.Match"], seen);
        }
    }

    [Fact]
    public async Task Calls_python_service_with_several_types()
    {
        await using Connection c = await daemon.ConnectAsync();
        await using PythonService py = await PythonService.StartAsync(daemon.Address!, c, "org.shortrange.PyCalls");
        var proxy = new DBusObjectProxy(c, py.Name, PythonService.ObjectPath);

        Assert.Equal("héllo", (await proxy.CallAsync(PythonService.Interface, "Echo", ["héllo"], Ct))[0].GetString());
        Assert.Equal(42, (await proxy.CallAsync(PythonService.Interface, "Add", [40, 2], Ct))[0].GetInt32());
        VariantValue keys = (await proxy.CallAsync(PythonService.Interface, "Keys",
            [VariantValue.StringVariantDictionary([new("b", 1), new("a", "x"), new("c", VariantValue.Array("i", 1, 2))])], Ct))[0];
        Assert.Equal(["a", "b", "c"], keys.GetStringArray());
        VariantValue swapped = (await proxy.CallAsync(PythonService.Interface, "Swap", [VariantValue.Struct("abc", 21, false)], Ct))[0];
        Assert.Equal("(bis)", swapped.Signature);
        Assert.True(swapped.GetItem(0).GetBool());
        Assert.Equal(42, swapped.GetItem(1).GetInt32());
        Assert.Equal("ABC", swapped.GetItem(2).GetString());
        Assert.Equal(5u, (await proxy.CallAsync(PythonService.Interface, "Length", [new byte[] { 1, 2, 3, 4, 5 }], Ct))[0].GetUInt32());

        Dictionary<string, VariantValue> props = (await proxy.CallAsync(PythonService.Interface, "Props", null, Ct))[0].GetStringDictionary();
        Assert.Equal("py", props["name"].GetString());
        Assert.Equal(7, props["n"].GetInt32());
        Assert.Equal(["a", "b"], props["list"].GetStringArray());
        Assert.Equal(1.5, props["nested"].GetStringDictionary()["x"].GetDouble());

        var e = await Assert.ThrowsAsync<DBusErrorException>(() => proxy.CallAsync(PythonService.Interface, "Fail", null, Ct));
        Assert.Equal("org.shortrange.Error.Py", e.ErrorName);
        Assert.Equal("python says no", e.ErrorMessage);
    }

    [Fact]
    public async Task Signals_from_python_arrive_on_the_observable()
    {
        await using Connection c = await daemon.ConnectAsync();
        await using PythonService py = await PythonService.StartAsync(daemon.Address!, c, "org.shortrange.PySignals");
        string owner = await c.GetNameOwnerAsync(py.Name, Ct);
        var rule = new MatchRule { Sender = owner, Interface = PythonService.Interface, Member = "Pinged", Path = PythonService.ObjectPath };
        IObservable<(string, uint)> pings = c.WatchSignal(rule, static (m, _) =>
        {
            Reader r = m.GetBodyReader();
            return (r.ReadString(), r.ReadUInt32());
        });
        Task<IList<(string, uint)>> received = pings.Take(2).ToList().ToTask(Ct);
        var proxy = new DBusObjectProxy(c, py.Name, PythonService.ObjectPath);
        await proxy.CallAsync(PythonService.Interface, "Emit", ["one"], Ct);
        await proxy.CallAsync(PythonService.Interface, "Emit", ["three"], Ct);
        IList<(string, uint)> result = await received.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal([("one", 3u), ("three", 5u)], result);
    }

    [Fact]
    public async Task Unix_fds_pass_both_ways_with_python()
    {
        await using Connection c = await daemon.ConnectAsync();
        await using PythonService py = await PythonService.StartAsync(daemon.Address!, c, "org.shortrange.PyFds");
        // Send: the read end of a pipe holding text; python reads it.
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using (pipe.ClientSafePipeHandle)
        {
            pipe.Write("through a pipe"u8);
            pipe.Flush();
            string text = await c.CallMethodAsync(CallWithHandle(py.Name, pipe.ClientSafePipeHandle), static (m, _) => m.GetBodyReader().ReadString(), null, Ct);
            Assert.Equal("through a pipe", text);
        }
        // Receive: python returns a pipe fd; we read from it.
        Microsoft.Win32.SafeHandles.SafeFileHandle fd = await c.CallMethodAsync(
            Call(py.Name, PythonService.ObjectPath, PythonService.Interface, "MakeFd", "from python"),
            static (m, _) => m.TakeUnixFd(m.GetBodyReader().ReadUnixFdIndex()), null, Ct);
        using var stream = new FileStream(fd, FileAccess.Read, 1);
        using var reader = new StreamReader(stream);
        Assert.Equal("from python", await reader.ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task Timeout_and_cancellation_fail_calls()
    {
        await using Connection c = await daemon.ConnectAsync(timeout: TimeSpan.FromMilliseconds(300));
        await using Connection silent = await daemon.ConnectAsync();
        // An exported method that never replies.
        using IDisposable export = silent.Export("/silent", new SilentInterface());
        await Assert.ThrowsAsync<TimeoutException>(() => c.CallMethodAsync(Call(silent.UniqueName, "/silent", "org.shortrange.Silent", "Wait"), Ct));

        await using Connection c2 = await daemon.ConnectAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c2.CallMethodAsync(Call(silent.UniqueName, "/silent", "org.shortrange.Silent", "Wait"), cts.Token));
    }

    [Fact]
    public async Task Closing_fails_pending_calls_and_observables_with_one_reason()
    {
        Connection c = await daemon.ConnectAsync();
        await using Connection silent = await daemon.ConnectAsync();
        using IDisposable export = silent.Export("/silent", new SilentInterface());
        var errored = new TaskCompletionSource<Exception>();
        using IDisposable sub = c.WatchNameOwnerChanged().Subscribe(_ => { }, e => errored.TrySetResult(e));
        Task pending = c.CallMethodAsync(Call(silent.UniqueName, "/silent", "org.shortrange.Silent", "Wait"), Ct);
        var reason = new InvalidOperationException("test closes");
        c.Disconnect(reason);
        c.Disconnect(new InvalidOperationException("second reason loses"));
        var callError = await Assert.ThrowsAsync<DisconnectedException>(() => pending);
        Assert.Same(reason, callError.InnerException);
        Exception subError = await errored.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Same(reason, Assert.IsType<DisconnectedException>(subError).InnerException);
        Assert.Same(reason, await c.Closed);
        var after = await Assert.ThrowsAsync<DisconnectedException>(() => c.ListNamesAsync(Ct));
        Assert.Same(reason, after.InnerException);
    }

    [Fact]
    public async Task Connects_over_abstract_socket_and_address_lists()
    {
        Assert.SkipWhen(daemon.SkipReason is not null, daemon.SkipReason ?? "");
        string? abstractAddress = daemon.Address!.Split(';').FirstOrDefault(a => a.StartsWith("unix:abstract=", StringComparison.Ordinal));
        Assert.NotNull(abstractAddress);
        await using (var viaAbstract = new Connection(abstractAddress))
        {
            await viaAbstract.ConnectAsync(Ct);
            Assert.StartsWith(":", viaAbstract.UniqueName, StringComparison.Ordinal);
        }
        // The first entry fails; the second one is used.
        string pathAddress = daemon.Address.Split(';').First(a => a.StartsWith("unix:path=", StringComparison.Ordinal));
        await using var viaList = new Connection("unix:path=/nonexistent/shortrange;" + pathAddress);
        await viaList.ConnectAsync(Ct);
        Assert.True(await viaList.NameHasOwnerAsync("org.freedesktop.DBus", Ct));
    }

    [Fact]
    public async Task Connect_to_missing_socket_fails_clearly()
    {
        var c = new Connection("unix:path=/nonexistent/shortrange/bus");
        var e = await Assert.ThrowsAsync<ConnectException>(() => c.ConnectAsync(Ct));
        Assert.Contains("/nonexistent/shortrange/bus", e.Message, StringComparison.Ordinal);
    }

    private static MessageBuffer Call(string? destination, string path, string iface, string member, string? arg = null)
    {
        var w = new MessageWriter();
        try
        {
            w.WriteMethodCallHeader(destination, path, iface, member, arg is null ? null : "s");
            if (arg is not null)
            {
                w.WriteString(arg);
            }
            return w.CreateMessage();
        }
        finally
        {
            w.Dispose();
        }
    }

    private static MessageBuffer CallWithHandle(string destination, System.Runtime.InteropServices.SafeHandle handle)
    {
        var w = new MessageWriter();
        try
        {
            w.WriteMethodCallHeader(destination, PythonService.ObjectPath, PythonService.Interface, "ReadFd", "h");
            w.WriteHandle(handle);
            return w.CreateMessage();
        }
        finally
        {
            w.Dispose();
        }
    }

    private sealed class SilentInterface : DBusInterface
    {
        public override string Name => "org.shortrange.Silent";

        // Replies (UnknownMethod) only after 3 s: longer than the timeouts the tests use.
        public override async ValueTask HandleMethodAsync(MethodContext context) => await Task.Delay(3000);
    }
}
