using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using ShortRange.DependencyInjection;
using ShortRange.Discovery;
using ShortRange.Gateway.Mqtt;
using ShortRange.Gateway.Options;
using ShortRange.Gateway.Workers;

namespace ShortRange.Gateway;

/// <summary>Builds the gateway's host; Program runs it, tests start it in-process with their own settings.</summary>
public static class GatewayHost
{
    /// <summary>The libraries' meters and the gateway's own, exported together.</summary>
    public static readonly string[] Meters =
        [Bluetooth.BluetoothMetrics.MeterName, LowPan.LowPanMetrics.MeterName, Nfc.NfcMetrics.MeterName, GatewayMetrics.MeterName];

    /// <summary>
    /// Builds the host and validates the configuration before anything starts: a value that does not parse or breaks a
    /// rule becomes one <see cref="GatewayConfigurationException"/> naming every bad setting.
    /// </summary>
    public static IHost Build(string[] args, IDictionary<string, string?>? overrides = null)
    {
        IHost? host = null;
        try
        {
            host = CreateBuilder(args, overrides).Build();
            _ = host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return host;
        }
        catch (OptionsValidationException e)
        {
            host?.Dispose();
            throw new GatewayConfigurationException([.. e.Failures], e);
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or OverflowException or ArgumentException)
        {
            // The binder's "Failed to convert configuration value 'abc' at 'Gateway:Mqtt:Port' to type 'System.Int32'."
            host?.Dispose();
            throw new GatewayConfigurationException([e.Message], e);
        }
    }

    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        // appsettings.json beside the binary, whatever the working directory (systemd starts us in /).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddSystemd(); // sd_notify READY/STOPPING and journal-friendly logs when run by systemd; no-op otherwise

        var section = builder.Configuration.GetSection(GatewayOptions.Section);
        builder.Services.AddOptions<GatewayOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        // The scans that run depend on configuration; read it once here (validation still happens at start).
        var settings = section.Get<GatewayOptions>() ?? new GatewayOptions();

        builder.Services.AddShortRange(b =>
        {
            var t = settings.Discovery.Technologies;
            var d = settings.Discovery;
            if (t.Count == 0 || t.Contains(Technology.Bluetooth)) b.AddBluetooth(o => o.Adapter = d.BluetoothAdapter.Length > 0 ? d.BluetoothAdapter : null);
            if (t.Count == 0 || t.Contains(Technology.Ieee802154)) b.AddLowPan();
            if (t.Count == 0 || t.Contains(Technology.Nfc)) b.AddNfc(o => o.Adapter = d.NfcAdapter.Length > 0 ? d.NfcAdapter : null);
        });
        builder.Services.Configure<DiscoveryOptions>(o => o.ContinueOnTechnologyError = true);

        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<MqttConnection>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        if (settings.Discovery.Enabled) builder.Services.AddHostedService<DiscoveryPublisher>();
        if (settings.LowPan.Enabled)
        {
            builder.Services.AddSingleton<LowPanForwarder>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LowPanForwarder>());
        }
        if (settings.Nfc.Enabled) builder.Services.AddHostedService<NfcNdefPublisher>();
        if (settings.Gatt.Devices.Count > 0) builder.Services.AddHostedService<GattForwarder>();

        if (settings.Metrics.Exporter != MetricsExporter.None)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(m =>
            {
                m.AddMeter(Meters);
                if (settings.Metrics.Exporter == MetricsExporter.Console)
                    m.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds =
                        (int)settings.Metrics.ConsoleInterval.TotalMilliseconds);
                else
                    {
                    var url = new Uri(settings.Metrics.PrometheusUrl);
                    m.AddPrometheusHttpListener(o => { o.Host = url.Host; o.Port = url.Port; });
                }
            });
        }
        return builder;
    }
}
