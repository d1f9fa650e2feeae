using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShortRange.DependencyInjection;
using ShortRange.Discovery;

namespace ShortRange.Tool.Infrastructure;

/// <summary>What every command needs: the console, the SDK's services (built on first use) and the global options.</summary>
public sealed class ToolContext : IAsyncDisposable
{
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly List<Action<IServiceCollection>> _commandServices = [];
    private ServiceProvider? _services;

    public ToolContext(ToolConsole console, IReadOnlyList<string> args, Action<IServiceCollection>? configureServices)
    {
        Console = console;
        Args = args;
        _configureServices = configureServices;
    }

    public ToolConsole Console { get; }
    public IReadOnlyList<string> Args { get; }
    public bool Verbose { get; set; }

    /// <summary>The SDK registered the way an application would: <c>AddShortRange(b => b.AddBluetooth().AddLowPan().AddNfc())</c>.</summary>
    public IServiceProvider Services => _services ??= BuildServices();

    /// <summary>Lets a command set module options (its adapter) before the services are first used.</summary>
    public void ConfigureServices(Action<IServiceCollection> configure)
    {
        if (_services is not null) throw new InvalidOperationException("services are already built");
        _commandServices.Add(configure);
    }

    public ILogger Logger(string category) => Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            // Libraries log; the tool reports. Without --verbose only the tool's own one-line errors appear.
            if (Verbose)
            {
                b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                b.SetMinimumLevel(LogLevel.Debug);
            }
            else b.SetMinimumLevel(LogLevel.None);
        });
        services.AddShortRange(b => b.AddBluetooth().AddLowPan().AddNfc());
        // A scan over several technologies keeps going when one is missing; the tool reports the failure.
        // The tool exits when its scan ends, so the radio is released at once instead of after the usual grace period.
        services.Configure<DiscoveryOptions>(o =>
        {
            o.ContinueOnTechnologyError = true;
            o.DisconnectDelay = TimeSpan.Zero;
        });
        foreach (var c in _commandServices) c(services);
        _configureServices?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Wraps a command's body: global options, typed errors → exit codes, Ctrl+C → 130.</summary>
    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parse, ct) =>
        {
            Verbose = parse.GetValue(ToolApp.VerboseOption);
            try
            {
                return await action(parse, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return ErrorReporter.Report(ex, Console, Verbose, Args);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync().ConfigureAwait(false);
    }
}
