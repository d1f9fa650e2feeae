using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShortRange.Adapters;
using ShortRange.Discovery;
using ShortRange.LowPan;
using ShortRange.LowPan.Adapters;
using ShortRange.LowPan.Discovery;

namespace ShortRange.DependencyInjection;

/// <summary>Registers the IEEE 802.15.4 / 6LoWPAN module.</summary>
public static class LowPanServiceCollectionExtensions
{
    /// <summary>Adds the 802.15.4 scanner and the wpan adapter monitor (each a singleton behind its interface).</summary>
    public static ShortRangeBuilder AddLowPan(this ShortRangeBuilder builder, Action<LowPanOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<LowPanOptions>();
        if (configure is not null) options.Configure(configure);
        return builder.AddTechnology<Ieee802154Scanner, WpanAdapterMonitor>();
    }
}
