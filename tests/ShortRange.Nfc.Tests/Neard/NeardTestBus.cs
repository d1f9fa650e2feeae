using System.Diagnostics;
using System.Runtime.CompilerServices;
using ShortRange.DBus;

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

    public async Task<Connection> ConnectAsync()
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
        var c = new Connection(new ConnectionOptions { Address = Address!, DefaultTimeout = TimeSpan.FromSeconds(20) });
        await c.ConnectAsync(TestContext.Current.CancellationToken);
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

/// <summary>neard_service.py (the neard-shaped python3-dbus service) owning org.neard on the test bus; killed on dispose.</summary>
public sealed class FakeNeard : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DBusObjectProxy _control;

    private FakeNeard(Process process, Connection control)
    {
        _process = process;
        Control = control;
        _control = new DBusObjectProxy(control, "org.neard", "/");
    }

    /// <summary>Our connection used to drive the service's test-control interface.</summary>
    public Connection Control { get; }

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
            while (!await control.NameHasOwnerAsync("org.neard", cts.Token)) await Task.Delay(20, cts.Token);
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

    public Task<VariantValue[]> CallAsync(string member, params VariantValue[] args) =>
        _control.CallAsync("org.shortrange.NeardTest", member, args, TestContext.Current.CancellationToken);

    public async Task<Dictionary<string, VariantValue>> StateAsync() => (await CallAsync("State"))[0].GetStringDictionary();

    /// <summary>SpawnTarget(adapter, kind, protocol, readOnly, ndef, records): kind "Type 2", "NFC-DEP" … or "device".</summary>
    public async Task<string> SpawnAsync(string kind, byte[] ndef, bool readOnly = false, string adapter = "nfc0", params IReadOnlyList<KeyValuePair<string, VariantValue>>[] records) =>
        (await CallAsync("SpawnTarget", adapter, kind, "MIFARE", readOnly, ndef,
            VariantValue.Array("a{sv}", records.Select(VariantValue.StringVariantDictionary).ToArray())))[0].GetString();

    /// <summary>Waits (bounded, generous) until <paramref name="condition"/> holds on the service state.</summary>
    public async Task WaitForStateAsync(Func<Dictionary<string, VariantValue>, bool> condition, string what)
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
        await Control.DisposeAsync();
    }

    /// <summary>Kills the service (neard stopping) and waits for its name to leave the bus.</summary>
    public async Task StopAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await Control.NameHasOwnerAsync("org.neard", cts.Token)) await Task.Delay(20, cts.Token);
    }
}
