using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ShortRange.Gateway.Tests;

/// <summary>
/// A real mosquitto broker on a free loopback port (persistence on, in a temporary directory, so a SIGTERM-restart keeps
/// the reader's session), and mosquitto_sub as the independent reader. Both are Debian's (packages mosquitto,
/// mosquitto-clients; .ci/run installs them). Dispose stops what was started.
/// </summary>
internal sealed class Mosquitto : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("shortrange-mosquitto.").FullName;
    private readonly List<Process> _processes = [];
    private Process? _broker;

    public Mosquitto()
    {
        Port = FreePort();
        // mosquitto started as root drops to the "mosquitto" user: let it write its persistence file here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF);
        File.WriteAllText(Path.Combine(_dir, "mosquitto.conf"), string.Join('\n',
            $"listener {Port} 127.0.0.1", "allow_anonymous true", "persistence true", $"persistence_location {_dir}/", ""));
    }

    public int Port { get; }

    /// <summary>Fails the test in CI (which installs mosquitto) and skips it elsewhere.</summary>
    public static void Require()
    {
        bool present = File.Exists("/usr/sbin/mosquitto") && File.Exists("/usr/bin/mosquitto_sub");
        if (present) return;
        const string why = "mosquitto and mosquitto-clients are not installed (apt-get install mosquitto mosquitto-clients)";
        if (Environment.GetEnvironmentVariable("CI") is "true" or "1") Assert.Fail(why);
        Assert.Skip(why);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        lock (_processes) _processes.Add(p);
        return p;
    }

    public void StartBroker()
    {
        _broker = Start("/usr/sbin/mosquitto", "-c", Path.Combine(_dir, "mosquitto.conf"));
        _broker.ErrorDataReceived += static (_, _) => { };
        _broker.BeginErrorReadLine();
        _broker.BeginOutputReadLine();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (sw.Elapsed < TimeSpan.FromSeconds(20) && !_broker.HasExited) { Thread.Sleep(50); }
        }
    }

    /// <summary>SIGTERM (mosquitto saves its persistence file and closes every connection) and wait for the exit.</summary>
    public void StopBroker()
    {
        var b = _broker ?? throw new InvalidOperationException("not started");
        Process.Start("/bin/kill", ["-TERM", b.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.True(b.WaitForExit(20_000), "mosquitto did not stop on SIGTERM");
        _broker = null;
    }

    /// <summary>mosquitto_sub with a persistent session at QoS 1: one "topic payload" line per message into the queue.</summary>
    public ConcurrentQueue<string> Subscribe(string filter)
    {
        var lines = new ConcurrentQueue<string>();
        var p = Start("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", filter,
            "-q", "1", "-c", "-i", $"reader-{Guid.NewGuid():N}"[..20], "-F", "%t %p");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.ErrorDataReceived += static (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return lines;
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var p in _processes)
            {
                try { if (!p.HasExited) { p.Kill(); p.WaitForExit(5000); } } catch (InvalidOperationException) { }
                p.Dispose();
            }
        }
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
