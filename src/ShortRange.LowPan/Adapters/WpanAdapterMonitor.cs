using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.Errors;
using ShortRange.Linux.Netlink;

namespace ShortRange.LowPan.Adapters;

/// <summary>
/// Lists wpan interfaces (ARPHRD_IEEE802154 / _MONITOR) and reports them added, removed or changed (up/down, address).
/// <see cref="Changes"/> follows rtnetlink link events (RTNLGRP_LINK through ShortRange.Linux's
/// <see cref="RtNetlinkClient.LinkEvents"/>): subscribing opens a NETLINK_ROUTE socket, disposing closes it. When
/// <see cref="LowPanOptions.UseLinkEvents"/> is off, or the netlink socket cannot be opened, it rereads sysfs every
/// <see cref="LowPanOptions.AdapterPollInterval"/> instead. <see cref="Changes"/> never errors (a state stream).
/// </summary>
public sealed class WpanAdapterMonitor : IAdapterMonitor
{
    private readonly LowPanOptions _options;

    public WpanAdapterMonitor(IOptions<LowPanOptions> options)
    {
        _options = options.Value;
        Changes = Observable.Create<AdapterEvent>(Subscribe).Publish().RefCount();
    }

    public Technology Technology => Technology.Ieee802154;

    public IObservable<AdapterEvent> Changes { get; }

    public Task<IReadOnlyList<AdapterInfo>> GetAdaptersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AdapterInfo>>([.. Snapshot().Values]);

    private IDisposable Subscribe(IObserver<AdapterEvent> observer)
    {
        var known = Snapshot();
        if (_options.UseLinkEvents)
        {
            RtNetlinkClient? rt = null;
            try
            {
                rt = RtNetlinkClient.Open();
                // Events that raced with the snapshot are harmless: Apply only reports differences from `known`.
                var sub = rt.LinkEvents.Subscribe(e => Apply(known, observer, e), _ => { /* socket ended: a state stream never errors */ });
                return new CompositeDisposable(sub, rt);
            }
            catch (Exception e) when (e is ShortRangeException or IOException)
            {
                rt?.Dispose(); // no netlink (sandbox, seccomp): fall back to polling
            }
        }
        return new Timer(_ => Poll(known, observer), null, _options.AdapterPollInterval, _options.AdapterPollInterval);
    }

    /// <summary>One RTM_NEWLINK/RTM_DELLINK: the kernel sends NEWLINK for every change of any link, so compare with what we know.</summary>
    internal static void Apply(Dictionary<string, AdapterInfo> known, IObserver<AdapterEvent> observer, LinkEvent e)
    {
        var link = e.Link;
        if (link.Type is not (WpanInterface.ARPHRD_IEEE802154 or WpanInterface.ARPHRD_IEEE802154_MONITOR)) return;
        lock (known)
        {
            if (e.Removed)
            {
                if (known.Remove(link.Name, out var gone)) observer.OnNext(new AdapterEvent(AdapterEventKind.Removed, gone));
                return;
            }
            var info = ToAdapter(WpanInterface.FromLink(link));
            // A rename arrives as NEWLINK with the old index under a new name.
            foreach (var (name, old) in known)
            {
                if (name != link.Name && old.Details is WpanInterface w && w.InterfaceIndex == link.Index)
                {
                    known.Remove(name);
                    observer.OnNext(new AdapterEvent(AdapterEventKind.Removed, old));
                    break;
                }
            }
            if (!known.TryGetValue(link.Name, out var before)) observer.OnNext(new AdapterEvent(AdapterEventKind.Added, info));
            else if (before != info) observer.OnNext(new AdapterEvent(AdapterEventKind.Changed, info));
            else return;
            known[link.Name] = info;
        }
    }

    private void Poll(Dictionary<string, AdapterInfo> known, IObserver<AdapterEvent> observer)
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
    }

    private Dictionary<string, AdapterInfo> Snapshot() =>
        WpanInterface.List(_options.SysClassNet).ToDictionary(w => w.Name, ToAdapter);

    private static AdapterInfo ToAdapter(WpanInterface w) => new(Technology.Ieee802154, w.Name, w.IsUp, w.ExtendedAddress, w);
}
