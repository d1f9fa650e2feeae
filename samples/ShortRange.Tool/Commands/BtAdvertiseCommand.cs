using System.CommandLine;
using System.Globalization;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Sdp;
using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Commands;

// bt advertise: an LE advertisement (mgmt Add Extended Advertising Parameters/Data, or Add Advertising on older kernels) until Ctrl+C; --serve adds a demo GATT server (Battery + a counter that notifies).
public static partial class BluetoothCommands
{
    private static Command Advertise(ToolContext context)
    {
        var adapter = AdapterOption();
        var name = new Option<string?>("--name") { Description = "Complete Local Name to advertise" };
        var uuids = new Option<string[]>("--uuid") { Description = "Service UUID to advertise (0x180f or 128-bit); repeatable", AllowMultipleArgumentsPerToken = true };
        var manufacturer = new Option<string[]>("--manufacturer") { Description = "Manufacturer data COMPANY:HEX (0x0059:0102); repeatable" };
        var nonConnectable = new Option<bool>("--non-connectable") { Description = "Advertise without accepting connections" };
        var serve = new Option<bool>("--serve") { Description = "Also serve a demo GATT database: Battery Level (0x180f/0x2a19) and a counter that notifies every second" };
        var interval = new Option<double?>("--interval-ms") { Description = "Advertising interval in milliseconds (20 or more, 0.625 ms steps); needs a kernel with mgmt Add Extended Advertising Parameters" };
        var txPower = new Option<int?>("--tx-power") { Description = "Requested TX power in dBm (-127 to 20); the controller picks up to it" };
        var duration = new Option<double>("--duration") { Description = "Seconds to advertise (0: until Ctrl+C)", DefaultValueFactory = _ => 0 };
        var command = new Command("advertise", "Advertise over LE (name, UUIDs, manufacturer data), optionally with a demo GATT server")
        {
            adapter, name, uuids, manufacturer, nonConnectable, serve, interval, txPower, duration,
        };
        context.SetAction(command, async (parse, ct) =>
        {
            var data = new Dictionary<ushort, byte[]>();
            foreach (var m in parse.GetValue(manufacturer) ?? [])
            {
                int colon = m.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0) throw new UsageException($"--manufacturer must be COMPANY:HEX, not '{m}'");
                data[Hex.ParseUInt16(m[..colon], "--manufacturer company")] = Hex.Parse(m[(colon + 1)..], "--manufacturer data");
            }
            var services = new List<Guid>();
            foreach (var u in parse.GetValue(uuids) ?? [])
            {
                try { services.Add(SdpUuid.Parse(u)); }
                catch (FormatException e) { throw new UsageException($"--uuid '{u}' is not a UUID: {e.Message}", e); }
            }
            TimeSpan? every = parse.GetValue(interval) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
            try { if (every is { } i) _ = MgmtAdvertising.IntervalUnits(i, "--interval-ms"); }
            catch (ArgumentOutOfRangeException e) { throw new UsageException("--interval-ms: " + e.Message, e); }
            int? power = parse.GetValue(txPower);
            if (power is < MgmtAdvertising.MinTxPower or > MgmtAdvertising.MaxTxPower)
                throw new UsageException($"--tx-power must be -127 to 20 dBm, not {power}");
            var options = new LeAdvertisementOptions
            {
                Name = parse.GetValue(name), ServiceUuids = services, ManufacturerData = data, Connectable = !parse.GetValue(nonConnectable),
                MinInterval = every, MaxInterval = every, TxPower = (sbyte?)power,
            };
            try { _ = LeAdvertisement.Layout(options); }
            catch (AdvertisingDataException e) { throw new UsageException(e.Message, e); }

            await using var mgmt = OpenMgmt(context);
            var controller = await SelectAsync(mgmt, parse.GetValue(adapter), ct).ConfigureAwait(false);
            GattServer? server = null;
            GattLocalCharacteristic? counter = null;
            if (parse.GetValue(serve))
            {
                var db = new GattDatabase();
                db.AddService(BluetoothUuid.FromShort(0x180F)).AddCharacteristic(BluetoothUuid.FromShort(0x2A19),
                    GattCharacteristicProperties.Read, GattPermissions.Read, new byte[] { 100 });
                counter = db.AddService(DemoService).AddCharacteristic(DemoCounter,
                    GattCharacteristicProperties.Read | GattCharacteristicProperties.Notify, GattPermissions.Read, new byte[4]);
                server = GattServer.Start(controller.Address, db, context.Logger("gatt"));
            }
            try
            {
                await using var adv = await LeAdvertisement.StartAsync(mgmt, controller.Index, options, context.Logger("bt"), ct).ConfigureAwait(false);
                context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"advertising on hci{controller.Index} (instance {adv.Instance}, {adv.Commands}, {Connectability(options, adv)}{(adv.SelectedTxPower is { } tx ? $", TX power {tx} dBm" : "")}): AD {Hex.Lower(adv.AdvertisingData.Span)}{(adv.ScanResponse.IsEmpty ? "" : " scan response " + Hex.Lower(adv.ScanResponse.Span))}"));
                double seconds = parse.GetValue(duration);
                using var limit = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
                using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
                for (uint n = 1; !both.IsCancellationRequested; n++)
                {
                    try { await Task.Delay(TimeSpan.FromSeconds(1), both.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { break; }
                    if (server is not null) await server.NotifyAsync(counter!, BitConverter.GetBytes(n), both.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                if (server is not null) await server.DisposeAsync().ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    // The kernel advertises connectable while the controller's Connectable setting is on, whatever was asked (LeAdvertisement.Connectable).
    private static string Connectability(LeAdvertisementOptions asked, LeAdvertisement adv) =>
        adv.Connectable ? (asked.Connectable ? "connectable" : "connectable: the controller's Connectable setting is on") : "non-connectable";

    /// <summary>The demo server's counter service and characteristic (random 128-bit UUIDs of this tool).</summary>
    internal static readonly Guid DemoService = Guid.Parse("5352c000-7c1a-4f6e-9a51-0f3b6a2d8e01");
    internal static readonly Guid DemoCounter = Guid.Parse("5352c001-7c1a-4f6e-9a51-0f3b6a2d8e01");
}
