using System.Reactive.Concurrency;

namespace ShortRange.Discovery;

/// <summary>Policies of the discovery core. Bound through <c>IOptions&lt;DiscoveryOptions&gt;</c>.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>Silence after which a device is reported Lost, per technology.</summary>
    public Dictionary<Technology, TimeSpan> LostAfter { get; } = new()
    {
        // Advertisers repeat every 20 ms–10 s; inquiry results repeat once per inquiry (~10 s).
        [Technology.Bluetooth] = TimeSpan.FromSeconds(30),
        // 802.15.4 neighbours may only speak once per minutes (RPL DIOs, sensor reports).
        [Technology.Ieee802154] = TimeSpan.FromMinutes(5),
        // NFC targets are reported gone by the kernel; this is only the fallback.
        [Technology.Nfc] = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// How long a scan keeps running after its last subscriber left, so that a quick
    /// unsubscribe/resubscribe (a UI page switch) does not stop and restart the radio.
    /// </summary>
    public TimeSpan DisconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// When one technology's scan fails, the aggregate discovery either errors (false, default:
    /// operation streams end with the typed exception) or logs the failure, reports it on
    /// <see cref="IShortRangeDiscovery.Failures"/> and continues with the other technologies (true).
    /// </summary>
    public bool ContinueOnTechnologyError { get; set; }

    /// <summary>Clock and timers for Lost and the disconnect delay; tests pass a virtual-time scheduler.</summary>
    public IScheduler Scheduler { get; set; } = DefaultScheduler.Instance;

    public TimeSpan GetLostAfter(Technology technology) =>
        LostAfter.TryGetValue(technology, out var t) ? t : TimeSpan.FromSeconds(30);
}
