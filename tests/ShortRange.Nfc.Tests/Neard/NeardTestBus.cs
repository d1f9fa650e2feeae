using System.Diagnostics;
using System.Runtime.CompilerServices;
using ShortRange.Nfc.Neard.Bus;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Tests.Neard;

/// <summary>
/// A private dbus-daemon for the neard tests (unix:path socket in a temp dir); stopped and removed on dispose.
/// Tests skip with a reason where dbus-daemon or python3-dbus is absent (CI: apt-get install dbus python3-dbus libglib2.0-bin).
/// </summary>
public sealed class NeardTestBus : IAsyncLifetime
{
    public const string Python = "/usr/bin/python3";
    private Process? _daemon;
    private string? _dir;

    public string? Address { get; private set; }

    public string? SkipReason { get; private set; }

    /// <summary>The dbus-daemon's pid (a test may SIGSTOP it to hold replies back).</summary>
    public int DaemonPid => _daemon?.Id ?? throw new InvalidOperationException("the bus is not running");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists("/usr/bin/dbus-daemon"))
        {
            SkipReason = "dbus-daemon is not installed (apt-get install dbus)";
            return;
        }
        if (!await PythonDBusAvailableAsync())
        {
            SkipReason = "python3-dbus is not installed for /usr/bin/python3 (apt-get install python3-dbus python3-gi)";
            return;
        }
        _dir = Directory.CreateTempSubdirectory("shortrange-neard-").FullName;
        string config = Path.Combine(_dir, "bus.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={Path.Combine(_dir, "bus")}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
            </busconfig>
            """);
        _daemon = Process.Start(new ProcessStartInfo("/usr/bin/dbus-daemon", [$"--config-file={config}", "--print-address", "--nofork"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = await _daemon.StandardOutput.ReadLineAsync(cts.Token);
        if (string.IsNullOrEmpty(line))
        {
            SkipReason = "dbus-daemon did not start: " + await _daemon.StandardError.ReadToEndAsync(cts.Token);
            return;
        }
        Address = line.Trim();
    }

    private static async Task<bool> PythonDBusAvailableAsync()
    {
        if (!File.Exists(Python)) return false;
        var (code, _, _) = await RunAsync(Python, ["-c", "import dbus, dbus.service, dbus.mainloop.glib; from gi.repository import GLib"], null);
        return code == 0;
    }

    public ValueTask DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill(entireProcessTree: true);
            _daemon.WaitForExit(5000);
        }
        _daemon?.Dispose();
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    public async Task<DBusConnection> ConnectAsync()
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
        var c = new DBusConnection(Address!);
        await c.ConnectAsync();
        return c;
    }

    /// <summary>Runs a tool to completion (bounded); DBUS_SESSION_BUS_ADDRESS is set to <paramref name="busAddress"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, string? busAddress)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (busAddress is not null) psi.Environment["DBUS_SESSION_BUS_ADDRESS"] = busAddress;
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish");
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}

[CollectionDefinition(Name)]
public sealed class NeardTestBusCollection : ICollectionFixture<NeardTestBus>
{
    public const string Name = "neard-bus";
}

/// <summary>An object-path argument of <see cref="FakeNeard.CallAsync"/>.</summary>
public sealed record ObjPath(string Value);

/// <summary>neard_service.py (the neard-shaped python3-dbus service) owning org.neard on the test bus; killed on dispose.</summary>
public sealed class FakeNeard : IAsyncDisposable
{
    private readonly Process _process;

    private FakeNeard(Process process, DBusConnection control)
    {
        _process = process;
        Control = control;
    }

    /// <summary>Our connection (Tmds.DBus.Protocol) used to drive the service's test-control interface.</summary>
    public DBusConnection Control { get; }

    public static async Task<FakeNeard> StartAsync(NeardTestBus bus, string? adapter = "nfc0")
    {
        var control = await bus.ConnectAsync();
        var process = Process.Start(new ProcessStartInfo(NeardTestBus.Python, [ScriptPath(), bus.Address!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var neard = new FakeNeard(process, control);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line != "ready") throw new InvalidOperationException("neard_service.py failed: " + await process.StandardError.ReadToEndAsync(cts.Token));
            while (!await neard.NameHasOwnerAsync("org.neard")) await Task.Delay(20, cts.Token);
            if (adapter is not null) await neard.CallAsync("AddAdapter", adapter);
            return neard;
        }
        catch
        {
            await neard.DisposeAsync();
            throw;
        }
    }

    private static string ScriptPath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "neard_service.py");

    public Task<bool> NameHasOwnerAsync(string name)
    {
        using var w = Control.GetMessageWriter();
        w.WriteMethodCallHeader("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s");
        w.WriteString(name);
        return Control.CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadBool()).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// How many match rules on the bus contain <paramref name="fragment"/>, from the daemon's own
    /// org.freedesktop.DBus.Debug.Stats.GetAllMatchRules (a{sas}: unique name → its rules). A rule listed there has been
    /// added, and its AddMatch reply (and the GetNameOwner reply its client sent before it) is already queued to that
    /// client ahead of any signal emitted afterwards — the readiness a test can wait on for a connection it cannot reach.
    /// </summary>
    public async Task<int> MatchRulesContainingAsync(string fragment)
    {
        MessageBuffer message;
        using (var w = Control.GetMessageWriter())
        {
            w.WriteMethodCallHeader("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.Debug.Stats", "GetAllMatchRules", "");
            message = w.CreateMessage();
        }
        return await Control.CallMethodAsync(message, static (m, state) =>
        {
            string fragment = (string)state!;
            var r = m.GetBodyReader();
            int count = 0;
            ArrayEnd connections = r.ReadDictionaryStart();
            while (r.HasNext(connections))
            {
                r.ReadString();
                foreach (string rule in r.ReadArrayOfString())
                    if (rule.Contains(fragment, StringComparison.Ordinal)) count++;
            }
            return count;
        }, fragment).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Calls org.shortrange.NeardTest.<paramref name="member"/>; arguments by .NET type: string s, <see cref="ObjPath"/> o,
    /// bool b, byte[] ay, a list of string/object pairs a{sv}, an array of those aa{sv}. Replies: [] or [value].
    /// </summary>
    public async Task<object[]> CallAsync(string member, params object[] args)
    {
        string signature = string.Concat(args.Select(SignatureOf));
        MessageWriter w = Control.GetMessageWriter();
        MessageBuffer call;
        try
        {
            w.WriteMethodCallHeader("org.neard", "/", "org.shortrange.NeardTest", member, signature);
            foreach (var a in args) Write(ref w, a);
            call = w.CreateMessage();
        }
        finally
        {
            w.Dispose();
        }
        return await Control.CallMethodAsync<object[]>(call, static (m, _) =>
        {
            var r = m.GetBodyReader();
            return m.SignatureAsString switch
            {
                "" or null => [],
                "o" => [r.ReadObjectPathAsString()],
                "s" => [r.ReadString()],
                "a{sv}" => [NeardValues.ReadStringVariantDictionary(ref r)],
                "(so)" => [new object[] { r.ReadString(), r.ReadObjectPathAsString() }],
                var sig => throw new InvalidOperationException("unexpected reply signature " + sig),
            };
        }).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    private static string SignatureOf(object a) => a switch
    {
        string => "s",
        ObjPath => "o",
        bool => "b",
        byte[] => "ay",
        IReadOnlyList<KeyValuePair<string, object>> => "a{sv}",
        IReadOnlyList<KeyValuePair<string, object>>[] => "aa{sv}",
        _ => throw new ArgumentException("no D-Bus mapping for " + a.GetType()),
    };

    private static void Write(ref MessageWriter w, object a)
    {
        switch (a)
        {
            case string s: w.WriteString(s); break;
            case ObjPath o: w.WriteObjectPath(o.Value); break;
            case bool b: w.WriteBool(b); break;
            case byte[] bytes: w.WriteArray(bytes); break;
            case IReadOnlyList<KeyValuePair<string, object>> d: NeardValues.WriteStringVariantDictionary(ref w, d); break;
            case IReadOnlyList<KeyValuePair<string, object>>[] list:
                ArrayStart start = w.WriteArrayStart(DBusType.Array);
                foreach (var d in list) NeardValues.WriteStringVariantDictionary(ref w, d);
                w.WriteArrayEnd(start);
                break;
        }
    }

    public async Task<Dictionary<string, object>> StateAsync() => (Dictionary<string, object>)(await CallAsync("State"))[0];

    /// <summary>SpawnTarget(adapter, kind, protocol, readOnly, ndef, records): kind "Type 2", "NFC-DEP" … or "device".</summary>
    public async Task<string> SpawnAsync(string kind, byte[] ndef, bool readOnly = false, string adapter = "nfc0", params IReadOnlyList<KeyValuePair<string, object>>[] records) =>
        (string)(await CallAsync("SpawnTarget", adapter, kind, "MIFARE", readOnly, ndef, records))[0];

    /// <summary>Waits (bounded, generous) until <paramref name="condition"/> holds on the service state.</summary>
    public async Task WaitForStateAsync(Func<Dictionary<string, object>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition(await StateAsync()))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Control.Dispose();
    }

    /// <summary>Kills the service (neard stopping) and waits for its name to leave the bus.</summary>
    public async Task StopAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await NameHasOwnerAsync("org.neard")) await Task.Delay(20, cts.Token);
    }
}

/// <summary>Typed reads of the plain values the neard API and <see cref="FakeNeard"/> return (a wrong type fails the cast).</summary>
internal static class TestValues
{
    public static string GetString(this object v) => (string)v;

    public static bool GetBool(this object v) => (bool)v;

    public static int GetInt32(this object v) => (int)v;

    public static byte[] GetByteArray(this object v) => (byte[])v;

    public static string[] GetStringArray(this object v) => (string[])v;

    public static object[] GetItems(this object v) => (object[])v;

    public static Dictionary<string, object> GetStringDictionary(this object v) => (Dictionary<string, object>)v;

    public static IReadOnlyList<KeyValuePair<string, object>> Dict(params KeyValuePair<string, object>[] entries) => entries;
}
