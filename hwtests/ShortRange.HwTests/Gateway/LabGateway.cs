using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Gateway;

/// <summary>
/// The gateway sample as an operator runs it (`dotnet ShortRange.Gateway.dll --Gateway:…`, beside the test assembly: the
/// hwtests project references it), Debian's mosquitto on a free loopback port, and mosquitto_sub as the independent
/// reader ("%U %t %p": receive time, topic, payload per line). Dispose stops all three.
/// </summary>
internal sealed class LabGateway : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(120); // dotnet start-up under TCG is slow

    private readonly string _dir = Directory.CreateTempSubdirectory("shortrange-gw.").FullName;
    private readonly List<Process> _processes = [];
    private Process? _gateway;

    public LabGateway()
    {
        LabRequire.Tool("mosquitto");
        LabRequire.Tool("mosquitto_sub");
        LabRequire.Tool("mosquitto_pub");
        string dll = Path.Combine(AppContext.BaseDirectory, "ShortRange.Gateway.dll");
        LabRequire.That(File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")),
            $"The gateway is not beside the test assembly ({dll}); build hwtests/ShortRange.HwTests, which references it.");
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            Port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF); // mosquitto drops to its own user
        File.WriteAllText(Path.Combine(_dir, "mosquitto.conf"), $"listener {Port} 127.0.0.1\nallow_anonymous true\n");
        Start("mosquitto", "-c", Path.Combine(_dir, "mosquitto.conf"));
        Assert.True(LabProcess.WaitUntil(() =>
        {
            try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, Port); return true; }
            catch (SocketException) { return false; }
        }, TimeSpan.FromSeconds(30)), "mosquitto did not listen");
        Messages = Subscribe("lab/#");
    }

    public int Port { get; }
    public ConcurrentQueue<string> Messages { get; }
    public ConcurrentQueue<string> GatewayOutput { get; } = new();
    public int GatewayPid => _gateway?.Id ?? 0;

    private Process Start(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(LabProcess.FindTool(tool) ?? tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        lock (_processes) _processes.Add(p);
        return p;
    }

    private ConcurrentQueue<string> Subscribe(string filter)
    {
        var lines = new ConcurrentQueue<string>();
        var p = Start("mosquitto_sub", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", filter, "-q", "1", "-F", "%U %t %p");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.ErrorDataReceived += static (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return lines;
    }

    /// <summary>Starts the gateway with topic prefix "lab" and this broker; the rest comes from <paramref name="settings"/>.</summary>
    public void StartGateway(params string[] settings)
    {
        _gateway = Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "ShortRange.Gateway.dll"),
            "--Gateway:Id=lab", "--Gateway:Mqtt:Host=127.0.0.1", $"--Gateway:Mqtt:Port={Port}", "--Gateway:Mqtt:TopicPrefix=lab", .. settings]);
        _gateway.OutputDataReceived += (_, e) => { if (e.Data is not null) GatewayOutput.Enqueue(e.Data); };
        _gateway.ErrorDataReceived += (_, e) => { if (e.Data is not null) GatewayOutput.Enqueue(e.Data); };
        _gateway.BeginOutputReadLine();
        _gateway.BeginErrorReadLine();
        WaitFor(l => l.Contains(" lab/status ", StringComparison.Ordinal) && l.Contains("\"online\"", StringComparison.Ordinal), "the gateway's online status");
    }

    public string Log => string.Join("\n", GatewayOutput.TakeLast(40));

    /// <summary>The first broker line matching <paramref name="match"/>, within <see cref="Wait"/>.</summary>
    public string WaitFor(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        string? found = null;
        bool ok = LabProcess.WaitUntil(() => (found = Messages.FirstOrDefault(match)) is not null || (_gateway?.HasExited ?? false), timeout ?? Wait);
        Assert.True(ok && found is not null, $"no {what} on the broker (gateway exited: {_gateway?.HasExited}); gateway log:\n{Log}");
        return found!;
    }

    public void WaitForLog(string text) =>
        Assert.True(LabProcess.WaitUntil(() => GatewayOutput.Any(l => l.Contains(text, StringComparison.Ordinal)) || (_gateway?.HasExited ?? false), Wait)
            && !_gateway!.HasExited, $"the gateway never logged '{text}'; log:\n{Log}");

    public void Publish(string topic, string payload) =>
        LabProcess.Run("mosquitto_pub", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", topic, "-q", "1", "-m", payload).EnsureSuccess();

    /// <summary>SIGTERM as systemd sends it; returns the exit code.</summary>
    public int Terminate()
    {
        LabProcess.Run("kill", "-TERM", GatewayPid.ToString(CultureInfo.InvariantCulture)).EnsureSuccess();
        Assert.True(_gateway!.WaitForExit(60_000), $"the gateway did not stop on SIGTERM; log:\n{Log}");
        _gateway.WaitForExit();
        return _gateway.ExitCode;
    }

    /// <summary>Resident set size of the gateway process (VmRSS, KiB).</summary>
    public long RssKiB()
    {
        foreach (string line in File.ReadLines($"/proc/{GatewayPid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        return -1;
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var p in Enumerable.Reverse(_processes))
            {
                try { if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(10_000); } } catch (InvalidOperationException) { }
                p.Dispose();
            }
        }
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
