using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShortRange.Adapters;
using ShortRange.DependencyInjection;
using ShortRange.Discovery;

namespace Microsoft.Extensions.DependencyInjection;

public static class ShortRangeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the discovery core and adapter service; <paramref name="configure"/> adds technologies:
    /// <c>services.AddShortRange(b => b.AddBluetooth().AddLowPan().AddNfc())</c>.
    /// </summary>
    public static IServiceCollection AddShortRange(this IServiceCollection services, Action<ShortRangeBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DiscoveryOptions>();
        services.TryAddSingleton(sp => new ShortRangeDiscovery(
            sp.GetServices<IDeviceScanner>().Select(s => (ITechnologyDiscovery)new TechnologyDiscovery(
                s, sp.GetRequiredService<IOptions<DiscoveryOptions>>().Value, sp.GetService<ILogger<TechnologyDiscovery>>())),
            sp.GetRequiredService<IOptions<DiscoveryOptions>>().Value,
            sp.GetService<ILogger<ShortRangeDiscovery>>()));
        services.TryAddSingleton<IShortRangeDiscovery>(sp => sp.GetRequiredService<ShortRangeDiscovery>());
        services.TryAddSingleton<IDeviceDiscovery>(sp => sp.GetRequiredService<ShortRangeDiscovery>());
        services.TryAddSingleton(sp => new AdapterService(sp.GetServices<IAdapterMonitor>(), sp.GetService<ILogger<AdapterService>>()));
        services.TryAddSingleton<IAdapterService>(sp => sp.GetRequiredService<AdapterService>());
        configure?.Invoke(new ShortRangeBuilder(services));
        return services;
    }

    /// <summary>For technology modules: registers a scanner and an adapter monitor once, as singletons.</summary>
    public static ShortRangeBuilder AddTechnology<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TScanner,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TMonitor>(this ShortRangeBuilder builder)
        where TScanner : class, IDeviceScanner
        where TMonitor : class, IAdapterMonitor
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TScanner>();
        builder.Services.TryAddSingleton<TMonitor>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeviceScanner, TScanner>(sp => sp.GetRequiredService<TScanner>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdapterMonitor, TMonitor>(sp => sp.GetRequiredService<TMonitor>()));
        return builder;
    }
}
