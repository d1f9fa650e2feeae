using System.Diagnostics;
using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>Runs Integration/service.py (python3-dbus) on the private bus; killed on dispose.</summary>
public sealed class PythonService : IAsyncDisposable
{
    public const string Interface = "org.shortrange.Py";
    public const string ObjectPath = "/org/shortrange/Py";
    private readonly Process _process;

    private PythonService(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public static async Task<PythonService> StartAsync(string busAddress, Connection probe, string name)
    {
        Assert.SkipUnless(DBusDaemon.PythonDBusAvailable, "python3-dbus is not installed for /usr/bin/python3 (apt-get install python3-dbus)");
        string script = Path.Combine(AppContext.BaseDirectory, "Integration", "service.py");
        var psi = new ProcessStartInfo(DBusDaemon.Python, [script, busAddress, name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(psi)!;
        var service = new PythonService(process, name);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line != "ready")
            {
                throw new InvalidOperationException("python service failed: " + await process.StandardError.ReadToEndAsync(cts.Token));
            }
            // Wait for the well-known name to appear on the bus.
            while (!await probe.NameHasOwnerAsync(name, cts.Token))
            {
                await Task.Delay(20, cts.Token);
            }
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
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
    }
}
