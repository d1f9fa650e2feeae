using System.Diagnostics;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>
/// A private dbus-daemon (session-like config, unix:path listen in a temp dir) for the test assembly; stopped and
/// its directory removed on dispose (also on process exit as a last resort). Unavailable (with a reason) when
/// dbus-daemon is not installed.
/// </summary>
public sealed class DBusDaemon : IAsyncLifetime
{
    private Process? _process;
    private string? _dir;

    public string? Address { get; private set; }

    public string? SkipReason { get; private set; }

    public const string Python = "/usr/bin/python3";

    public static string? Find(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Append("/usr/bin"))
        {
            string path = Path.Combine(dir, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    public static bool PythonDBusAvailable { get; } = CheckPythonDBus();

    private static bool CheckPythonDBus()
    {
        if (!File.Exists(Python))
        {
            return false;
        }
        try
        {
            using var p = Process.Start(new ProcessStartInfo(Python, ["-c", "import dbus, dbus.service, dbus.mainloop.glib; from gi.repository import GLib"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            p.WaitForExit(20_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public async ValueTask InitializeAsync()
    {
        string? daemon = Find("dbus-daemon");
        if (daemon is null)
        {
            SkipReason = "dbus-daemon is not installed (apt-get install dbus)";
            return;
        }
        _dir = Directory.CreateTempSubdirectory("shortrange-dbus-").FullName;
        string socket = Path.Combine(_dir, "bus");
        string config = Path.Combine(_dir, "session.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={socket}</listen>
              <listen>unix:abstract={socket}-abstract</listen>
              <auth>EXTERNAL</auth>
              <!-- As Debian's session.conf: the built-in default (128) caps the calls a test may have in flight. -->
              <limit name="max_replies_per_connection">50000</limit>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """);
        var psi = new ProcessStartInfo(daemon, [$"--config-file={config}", "--print-address", "--nofork"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(psi)!;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? line = await _process.StandardOutput.ReadLineAsync(cts.Token);
        if (string.IsNullOrEmpty(line))
        {
            string err = await _process.StandardError.ReadToEndAsync(cts.Token);
            SkipReason = "dbus-daemon did not start: " + err;
            await DisposeAsync();
            return;
        }
        Address = line.Trim();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Stop();
        _process?.Dispose();
        _process = null;
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A connected client, or a skip when no daemon.</summary>
    public async Task<Connection> ConnectAsync(TimeSpan? timeout = null)
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? "");
        var c = new Connection(new ConnectionOptions { Address = Address!, DefaultTimeout = timeout ?? TimeSpan.FromSeconds(25) });
        await c.ConnectAsync(TestContext.Current.CancellationToken);
        return c;
    }

    /// <summary>Runs a tool to completion (bounded), returning exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, string? busAddress, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (busAddress is not null)
        {
            psi.Environment["DBUS_SESSION_BUS_ADDRESS"] = busAddress;
        }
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}

[CollectionDefinition(Name)]
public sealed class DBusDaemonCollection : ICollectionFixture<DBusDaemon>
{
    public const string Name = "dbus-daemon";
}
