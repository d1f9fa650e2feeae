using Microsoft.Extensions.DependencyInjection;
using ShortRange.Nfc.Neard;

namespace ShortRange.DependencyInjection;

/// <summary>Registers NFC through neard (separate from the kernel-level <c>AddNfc</c>; use one of the two).</summary>
public static class NeardShortRangeBuilderExtensions
{
    /// <summary>Adds <see cref="NeardScanner"/> and <see cref="NeardAdapterMonitor"/>, each a singleton, with <see cref="NeardOptions"/>.</summary>
    public static ShortRangeBuilder AddNeard(this ShortRangeBuilder builder, Action<NeardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<NeardOptions>();
        if (configure is not null) options.Configure(configure);
        return builder.AddTechnology<NeardScanner, NeardAdapterMonitor>();
    }
}
