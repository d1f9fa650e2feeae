using Microsoft.Extensions.DependencyInjection;
using ShortRange.Nfc;
using ShortRange.Nfc.Adapters;
using ShortRange.Nfc.Discovery;

namespace ShortRange.DependencyInjection;

/// <summary>Registers the NFC module.</summary>
public static class NfcShortRangeBuilderExtensions
{
    /// <summary>Adds the NFC scanner (<see cref="NfcScanner"/>) and adapter monitor (<see cref="NfcAdapterMonitor"/>), each a singleton.</summary>
    public static ShortRangeBuilder AddNfc(this ShortRangeBuilder builder, Action<NfcOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<NfcOptions>();
        if (configure is not null) options.Configure(configure);
        return builder.AddTechnology<NfcScanner, NfcAdapterMonitor>();
    }
}
