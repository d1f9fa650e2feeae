using System.Reactive.Linq;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;

namespace ShortRange.LowPan.Adapters;

/// <summary>
/// Lists wpan interfaces (ARPHRD_IEEE802154) and reports them added, removed or changed (up/down, address).
/// Reads sysfs and polls every <see cref="LowPanOptions.AdapterPollInterval"/>; the rtnetlink event source will
/// replace the polling once ShortRange.Linux exposes it. <see cref="Changes"/> never errors.
/// </summary>
public sealed class WpanAdapterMonitor : IAdapterMonitor
{
    private readonly LowPanOptions _options;

    public WpanAdapterMonitor(IOptions<LowPanOptions> options)
    {
        _options = options.Value;
        Changes = Observable.Create<AdapterEvent>(observer =>
        {
            var known = Snapshot();
            var timer = new Timer(_ =>
            {
                Dictionary<string, AdapterInfo> now;
                try { now = Snapshot(); }
                catch (IOException) { return; }
                lock (known)
                {
                    foreach (var (name, info) in now)
                    {
                        if (!known.TryGetValue(name, out var old)) observer.OnNext(new AdapterEvent(AdapterEventKind.Added, info));
                        else if (old != info) observer.OnNext(new AdapterEvent(AdapterEventKind.Changed, info));
                    }
                    foreach (var (name, info) in known)
                        if (!now.ContainsKey(name)) observer.OnNext(new AdapterEvent(AdapterEventKind.Removed, info));
                    known.Clear();
                    foreach (var kv in now) known[kv.Key] = kv.Value;
                }
            }, null, _options.AdapterPollInterval, _options.AdapterPollInterval);
            return timer;
        }).Publish().RefCount();
    }

    public Technology Technology => Technology.Ieee802154;

    public IObservable<AdapterEvent> Changes { get; }

    public Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AdapterInfo>>([.. Snapshot().Values]);

    private Dictionary<string, AdapterInfo> Snapshot() =>
        WpanInterface.List(_options.SysClassNet).ToDictionary(
            w => w.Name,
            w => new AdapterInfo(Technology.Ieee802154, w.Name, w.IsUp, w.ExtendedAddress, w));
}
