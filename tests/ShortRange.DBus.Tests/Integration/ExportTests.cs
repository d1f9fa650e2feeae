using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>Objects we export, called by dbus-send, gdbus and a second connection of ours.</summary>
[Collection(DBusDaemonCollection.Name)]
public class ExportTests(DBusDaemon daemon)
{
    private const string Service = "org.shortrange.Exported";
    private const string ObjectPath = "/org/shortrange/Test";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(Connection Server, IDisposable Export, TestInterface Iface)> ServeAsync(string name)
    {
        Connection server = await daemon.ConnectAsync();
        var iface = new TestInterface();
        IDisposable export = server.Export(ObjectPath, iface);
        Assert.Equal(RequestNameReply.PrimaryOwner, await server.RequestNameAsync(name, cancellationToken: Ct));
        return (server, export, iface);
    }

    private async Task<string> DBusSend(string name, params string[] args)
    {
        string tool = DBusDaemon.Find("dbus-send") ?? "";
        Assert.SkipWhen(tool.Length == 0, "dbus-send is not installed (apt-get install dbus)");
        var (code, stdout, stderr) = await DBusDaemon.RunAsync(tool,
            [$"--bus={daemon.Address}", "--print-reply", $"--dest={name}", .. args], null);
        Assert.True(code == 0, $"dbus-send failed ({code}): {stderr}");
        return stdout;
    }

    private async Task<(int Code, string Out, string Err)> GDBus(string name, string method, params string[] args)
    {
        string tool = DBusDaemon.Find("gdbus") ?? "";
        Assert.SkipWhen(tool.Length == 0, "gdbus is not installed (apt-get install libglib2.0-bin)");
        return await DBusDaemon.RunAsync(tool,
            ["call", "--session", "--dest", name, "--object-path", ObjectPath, "--method", method, .. args], daemon.Address);
    }

    [Fact]
    public async Task Dbus_send_calls_exported_methods()
    {
        var (server, export, _) = await ServeAsync(Service + ".Send");
        await using Connection _s = server;
        using IDisposable _e = export;
        string name = Service + ".Send";

        Assert.Contains("string \"hello world\"", await DBusSend(name, ObjectPath, "org.shortrange.Test.Echo", "string:hello world"), StringComparison.Ordinal);
        Assert.Contains("int32 42", await DBusSend(name, ObjectPath, "org.shortrange.Test.Add", "int32:40", "int32:2"), StringComparison.Ordinal);
        Assert.Contains("int64 6000000000", await DBusSend(name, ObjectPath, "org.shortrange.Test.Sum", "array:int32:2000000000,2000000000,2000000000"), StringComparison.Ordinal);
        Assert.Contains("int32 6", await DBusSend(name, ObjectPath, "org.shortrange.Test.Total", "dict:string:int32:a,1,b,2,c,3"), StringComparison.Ordinal);
        Assert.Contains("string \"u:7\"", await DBusSend(name, ObjectPath, "org.shortrange.Test.Describe", "variant:uint32:7"), StringComparison.Ordinal);
        string who = await DBusSend(name, ObjectPath, "org.shortrange.Test.WhoAmI");
        Assert.Matches("string \":1\\.[0-9]+\"", who);
        // Properties through dbus-send
        Assert.Contains("variant       string \"initial\"", await DBusSend(name, ObjectPath, "org.freedesktop.DBus.Properties.Get", "string:org.shortrange.Test", "string:Name"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dbus_send_sees_errors_and_introspection()
    {
        var (server, export, _) = await ServeAsync(Service + ".Errors");
        await using Connection _s = server;
        using IDisposable _e = export;
        string tool = DBusDaemon.Find("dbus-send") ?? "";
        Assert.SkipWhen(tool.Length == 0, "dbus-send is not installed");
        var (code, _, stderr) = await DBusDaemon.RunAsync(tool,
            [$"--bus={daemon.Address}", "--print-reply", $"--dest={Service}.Errors", ObjectPath, "org.shortrange.Test.Fail"], null);
        Assert.NotEqual(0, code);
        Assert.Contains("org.shortrange.Error.Boom", stderr, StringComparison.Ordinal);
        Assert.Contains("boom requested", stderr, StringComparison.Ordinal);

        string xml = await DBusSend(Service + ".Errors", ObjectPath, "org.freedesktop.DBus.Introspectable.Introspect");
        Assert.Contains("<interface name=\"org.shortrange.Test\">", xml, StringComparison.Ordinal);
        Assert.Contains("<method name=\"Swap\">", xml, StringComparison.Ordinal);
        Assert.Contains("org.freedesktop.DBus.Properties", xml, StringComparison.Ordinal);
        string parent = await DBusSend(Service + ".Errors", "/org/shortrange", "org.freedesktop.DBus.Introspectable.Introspect");
        Assert.Contains("<node name=\"Test\"/>", parent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gdbus_calls_exported_methods_with_structs_dicts_and_variants()
    {
        var (server, export, _) = await ServeAsync(Service + ".GDBus");
        await using Connection _s = server;
        using IDisposable _e = export;
        string name = Service + ".GDBus";

        var swap = await GDBus(name, "org.shortrange.Test.Swap", "('abc', 21, false)");
        Assert.True(swap.Code == 0, swap.Err);
        Assert.Equal("((true, 42, 'ABC'),)", swap.Out.Trim());

        var keys = await GDBus(name, "org.shortrange.Test.Keys", "{'b': <int32 5>, 'a': <'x'>, 'c': <[1.5, 2.5]>}");
        Assert.True(keys.Code == 0, keys.Err);
        Assert.Equal("(['a=s:x', 'b=i:5', 'c=ad:[1.5, 2.5]'],)", keys.Out.Trim());

        var describe = await GDBus(name, "org.shortrange.Test.Describe", "<(uint32 1, 'two', [byte 3])>");
        Assert.True(describe.Code == 0, describe.Err);
        Assert.Equal("('(usay):(1, two, [3])',)", describe.Out.Trim());

        var sum = await GDBus(name, "org.shortrange.Test.Sum", "[1, 2, 3, -10]");
        Assert.True(sum.Code == 0, sum.Err);
        Assert.Equal("(int64 -4,)", sum.Out.Trim());

        // gdbus parses our introspection XML
        var (code, xml, err) = await DBusDaemon.RunAsync(DBusDaemon.Find("gdbus")!,
            ["introspect", "--session", "--dest", name, "--object-path", ObjectPath], daemon.Address);
        Assert.True(code == 0, err);
        Assert.Contains("Swap(in  (sib) arg_0,", xml, StringComparison.Ordinal);
        Assert.Contains("readwrite s Name", xml, StringComparison.Ordinal);

        var fail = await GDBus(name, "org.shortrange.Test.Fail");
        Assert.NotEqual(0, fail.Code);
        Assert.Contains("org.shortrange.Error.Boom", fail.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Properties_get_set_and_PropertiesChanged_round_trip()
    {
        var (server, export, iface) = await ServeAsync(Service + ".Props");
        await using Connection _s = server;
        using IDisposable _e = export;
        await using Connection client = await daemon.ConnectAsync();
        var proxy = new DBusObjectProxy(client, Service + ".Props", ObjectPath);

        Assert.Equal("initial", (await proxy.GetPropertyAsync(TestInterface.InterfaceName, "Name", Ct)).GetString());
        Dictionary<string, VariantValue> all = await proxy.GetAllPropertiesAsync(TestInterface.InterfaceName, Ct);
        Assert.Equal(3u, all["Count"].GetUInt32());

        Task<PropertiesChange> changed = proxy.WatchPropertiesChanged(TestInterface.InterfaceName).FirstAsync().ToTask(Ct);
        await client.NameHasOwnerAsync(Service, Ct); // AddMatch is processed before this reply
        await proxy.SetPropertyAsync(TestInterface.InterfaceName, "Name", "renamed", Ct);
        PropertiesChange change = await changed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(ObjectPath, change.Path);
        Assert.Equal("renamed", change.Changed["Name"].GetString());
        Assert.Equal("renamed", iface.NameProperty);

        var readOnly = await Assert.ThrowsAsync<DBusErrorException>(() => proxy.SetPropertyAsync(TestInterface.InterfaceName, "Count", 5u, Ct));
        Assert.Equal("org.freedesktop.DBus.Error.PropertyReadOnly", readOnly.ErrorName);
        var unknown = await Assert.ThrowsAsync<DBusErrorException>(() => proxy.GetPropertyAsync(TestInterface.InterfaceName, "Nope", Ct));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownProperty", unknown.ErrorName);
    }

    [Fact]
    public async Task ObjectManager_and_InterfacesAdded_Removed_round_trip()
    {
        await using Connection server = await daemon.ConnectAsync();
        await using Connection client = await daemon.ConnectAsync();
        using IDisposable manager = server.AddObjectManager("/org/shortrange");
        using IDisposable first = server.Export("/org/shortrange/a", new TestInterface());
        var root = new DBusObjectProxy(client, server.UniqueName!, "/org/shortrange");

        var objects = await root.GetManagedObjectsAsync(Ct);
        Assert.Equal("initial", objects["/org/shortrange/a"][TestInterface.InterfaceName]["Name"].GetString());

        Task<InterfacesAdded> added = root.WatchInterfacesAdded().FirstAsync().ToTask(Ct);
        Task<InterfacesRemoved> removed = root.WatchInterfacesRemoved().FirstAsync().ToTask(Ct);
        await client.NameHasOwnerAsync(Service, Ct);
        IDisposable second = server.Export("/org/shortrange/b/c", new TestInterface { NameProperty = "second" });
        InterfacesAdded a = await added.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("/org/shortrange/b/c", a.Path);
        Assert.Equal("second", a.Interfaces[TestInterface.InterfaceName]["Name"].GetString());
        Assert.Equal(2, (await root.GetManagedObjectsAsync(Ct)).Count);
        second.Dispose();
        InterfacesRemoved r = await removed.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("/org/shortrange/b/c", r.Path);
        Assert.Equal([TestInterface.InterfaceName], r.Interfaces);
    }

    [Fact]
    public async Task Our_client_calls_our_export_and_sees_the_sender()
    {
        var (server, export, _) = await ServeAsync(Service + ".Self");
        await using Connection _s = server;
        using IDisposable _e = export;
        await using Connection client = await daemon.ConnectAsync();
        var proxy = new DBusObjectProxy(client, Service + ".Self", ObjectPath);
        Assert.Equal(client.UniqueName, (await proxy.CallAsync(TestInterface.InterfaceName, "WhoAmI", null, Ct))[0].GetString());
        Assert.Equal("i:9", (await proxy.CallAsync(TestInterface.InterfaceName, "Describe", [VariantValue.Variant(9)], Ct))[0].GetString());
        var unknownMethod = await Assert.ThrowsAsync<DBusErrorException>(() => proxy.CallAsync(TestInterface.InterfaceName, "Nope", null, Ct));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", unknownMethod.ErrorName);
        var unknownObject = await Assert.ThrowsAsync<DBusErrorException>(() =>
            new DBusObjectProxy(client, Service + ".Self", "/nothing/here").CallAsync(TestInterface.InterfaceName, "Echo", ["x"], Ct));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownObject", unknownObject.ErrorName);
    }
}
