using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShortRange.Adapters;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Discovery;
using ShortRange.Discovery;

namespace ShortRange.DependencyInjection;

/// <summary>Registers the Bluetooth module.</summary>
public static class BluetoothShortRangeBuilderExtensions
{
    /// <summary>Adds the Bluetooth scanner and adapter monitor (each a singleton; the interfaces resolve to it).</summary>
    public static ShortRangeBuilder AddBluetooth(this ShortRangeBuilder builder, Action<BluetoothOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<BluetoothOptions>();
        if (configure is not null) options.Configure(configure);
        return builder.AddTechnology<BluetoothScanner, BluetoothAdapterMonitor>();
    }
}
