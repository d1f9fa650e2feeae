using System.Diagnostics;

namespace ShortRange.Robustness.Tests.Resources;

/// <summary>A private dbus-daemon (Debian's dbus package) on a socket in a temp directory; stopped on dispose.</summary>
internal sealed class PrivateDBusDaemon : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private PrivateDBusDaemon(Process process, string dir, string address)
    {
        _process = process;
        _dir = dir;
        Address = address;
    }

    public string Address { get; }

    public static bool IsAvailable => File.Exists("/usr/bin/dbus-daemon");

    public static PrivateDBusDaemon Start()
    {
        string dir = Directory.CreateTempSubdirectory("sr-dbus-").FullName;
        string config = Path.Combine(dir, "bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={dir}/bus</listen>
              <auth>EXTERNAL</auth>
              <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
            </busconfig>
            """);
        var psi = new ProcessStartInfo("/usr/bin/dbus-daemon", ["--config-file=" + config, "--nofork", "--print-address=1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("dbus-daemon did not start");
        var line = p.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || string.IsNullOrEmpty(line.Result))
        {
            p.Kill();
            throw new InvalidOperationException("dbus-daemon printed no address: " + p.StandardError.ReadToEnd());
        }
        return new PrivateDBusDaemon(p, dir, line.Result.Trim());
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(5000); } }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
