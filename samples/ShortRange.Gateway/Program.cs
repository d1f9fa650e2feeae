// ShortRange IoT gateway: discovery events, 6LoWPAN UDP and NFC NDEF pushes to an MQTT broker (see README.md).
//   dotnet run --project samples/ShortRange.Gateway            (settings: appsettings.json, Gateway__* variables, --Gateway:Mqtt:Host=…)
// Exit codes: 0 after a clean stop (Ctrl+C, SIGTERM), 78 (EX_CONFIG, systemd does not restart-loop on it with
// RestartPreventExitStatus=78) for a bad setting.
using Microsoft.Extensions.Hosting;
using ShortRange.Gateway;
using ShortRange.Gateway.Options;

IHost host;
try
{
    host = GatewayHost.Build(args);
}
catch (GatewayConfigurationException e)
{
    // One clear message per bad setting, no stack trace: this is the operator's error, not ours.
    foreach (string m in e.Failures) await Console.Error.WriteLineAsync($"shortrange-gateway: configuration error: {m}");
    return 78;
}
using (host) await host.RunAsync(); // Ctrl+C and SIGTERM stop it gracefully (workers drain, "offline" is published)
return 0;
