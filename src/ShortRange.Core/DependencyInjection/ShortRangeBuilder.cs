using Microsoft.Extensions.DependencyInjection;

namespace ShortRange.DependencyInjection;

/// <summary>
/// Passed to <c>services.AddShortRange(b => …)</c>. Technology modules add themselves with extension
/// methods on this type (<c>AddBluetooth</c>, <c>AddLowPan</c>, <c>AddNfc</c>), registering their
/// <see cref="Discovery.IDeviceScanner"/> and <see cref="Adapters.IAdapterMonitor"/>.
/// </summary>
public sealed class ShortRangeBuilder
{
    internal ShortRangeBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }
}
