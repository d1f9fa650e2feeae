using System.Reactive.Linq;
using ShortRange.Devices;

namespace ShortRange.Discovery;

/// <summary>Filter operators over discovery streams.</summary>
public static class DiscoveryObservableExtensions
{
    /// <summary>
    /// Keeps the devices that match <paramref name="filter"/>, per subscriber: a device that starts
    /// matching is reported Found, one that stops matching is reported Lost.
    /// </summary>
    public static IObservable<DiscoveryEvent> Filter(this IObservable<DiscoveryEvent> source, DiscoveryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(filter);
        return Observable.Defer(() =>
        {
            var visible = new HashSet<DeviceAddress>();
            return source.Select(e => Translate(e, filter, visible)).Where(e => e is not null).Select(e => e!);
        });
    }

    public static IObservable<DiscoveryEvent> WhereTechnology(this IObservable<DiscoveryEvent> source, params Technology[] technologies) =>
        source.Filter(DiscoveryFilter.ForTechnologies(technologies));

    public static IObservable<DiscoveryEvent> WhereName(this IObservable<DiscoveryEvent> source, string nameContains) =>
        source.Filter(new DiscoveryFilter { NameContains = nameContains });

    public static IObservable<DiscoveryEvent> WithMinimumSignal(this IObservable<DiscoveryEvent> source, int minimumSignal) =>
        source.Filter(new DiscoveryFilter { MinimumSignal = minimumSignal });

    private static DiscoveryEvent? Translate(DiscoveryEvent e, DiscoveryFilter filter, HashSet<DeviceAddress> visible)
    {
        var address = e.Device.Address;
        if (e.Kind == DiscoveryEventKind.Lost)
            return visible.Remove(address) ? e : null;
        if (filter.Matches(e.Device))
            return visible.Add(address) ? e with { Kind = DiscoveryEventKind.Found } : e;
        return visible.Remove(address) ? e with { Kind = DiscoveryEventKind.Lost } : null;
    }
}
