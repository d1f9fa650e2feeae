using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Errors;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Neard;

/// <summary>
/// NFC adapters as neard publishes them. <see cref="GetAdaptersAsync"/> throws <see cref="StackUnavailableException"/>
/// (inner <see cref="NeardNotRunningException"/>) when neard is absent. <see cref="Changes"/> is a state stream: adapters
/// added/removed (ObjectManager) and Powered/Mode/Polling changes; it never errors — when neard is absent or leaves the
/// bus it logs and completes.
/// </summary>
public sealed class NeardAdapterMonitor : IAdapterMonitor
{
    private readonly NeardOptions _options;
    private readonly ILogger _logger;

    public NeardAdapterMonitor(IOptions<NeardOptions> options, ILogger<NeardAdapterMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Changes = Observable.Create<AdapterEvent>(RunChangesAsync);
    }

    public Technology Technology => Technology.Nfc;

    public IObservable<AdapterEvent> Changes { get; }

    public async Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var client = await NeardClient.ConnectAsync(_options.BusAddress, _logger, cancellationToken).ConfigureAwait(false);
            return (await client.GetAdaptersAsync(cancellationToken).ConfigureAwait(false)).Select(ToInfo).ToList();
        }
        catch (NeardNotRunningException e)
        {
            throw new StackUnavailableException(Technology.Nfc, e.Message, e);
        }
    }

    internal static AdapterInfo ToInfo(NeardAdapterProperties p) => new(Technology.Nfc, p.Name, p.Powered, null, p);

    private async Task RunChangesAsync(IObserver<AdapterEvent> observer, CancellationToken ct)
    {
        NeardClient client;
        try
        {
            client = await NeardClient.ConnectAsync(_options.BusAddress, _logger, ct).ConfigureAwait(false);
        }
        catch (NeardException e)
        {
            _logger.LogInformation("neard adapter monitor: {Reason}", e.Message);
            observer.OnCompleted();
            return;
        }
        await using (client.ConfigureAwait(false))
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var objects = client.WatchObjects()
                .Where(e => e.Object.Kind == NeardObjectKind.Adapter)
                .Subscribe(e =>
                {
                    NeardAdapterProperties p;
                    try
                    {
                        p = e.Added ? NeardAdapterProperties.FromDictionary(e.Object.Path, e.Object.Properties)
                            : new NeardAdapterProperties(e.Object.Path, "Idle", false, false, []);
                    }
                    catch (NeardFormatException ex)
                    {
                        // The state stream never errors: a malformed adapter from neard is logged and left out.
                        _logger.LogWarning(ex, "neard: skipped a malformed adapter");
                        return;
                    }
                    observer.OnNext(new AdapterEvent(e.Added ? AdapterEventKind.Added : AdapterEventKind.Removed, ToInfo(p)));
                }, e => done.TrySetResult());
            using var props = client.WatchPropertiesChanged()
                .Where(c => c.Interface == NeardNames.AdapterInterface)
                .Select(c => Observable.FromAsync(async t =>
                {
                    try
                    {
                        return await client.GetAdapter(c.Path).GetPropertiesAsync(t).ConfigureAwait(false);
                    }
                    catch (NeardException e)
                    {
                        _logger.LogDebug(e, "neard: adapter {Path} vanished before its properties were read", c.Path);
                        return null;
                    }
                    catch (NeardFormatException e)
                    {
                        _logger.LogWarning(e, "neard: skipped malformed properties of {Path}", c.Path);
                        return null;
                    }
                }))
                .Concat()
                .Where(p => p is not null)
                .Subscribe(p => observer.OnNext(new AdapterEvent(AdapterEventKind.Changed, ToInfo(p!))), e => done.TrySetResult());
            using var owner = client.WatchNeardOwner()
                .Where(o => o is null)
                .Subscribe(_ => done.TrySetResult(), _ => done.TrySetResult());
            try
            {
                await done.Task.WaitAsync(ct).ConfigureAwait(false);
                _logger.LogInformation("neard left the bus: adapter monitor completes");
                observer.OnCompleted();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }
}
