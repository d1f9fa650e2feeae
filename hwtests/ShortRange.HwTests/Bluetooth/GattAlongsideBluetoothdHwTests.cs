using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our LE advertising, GATT server and GATT client while bluetoothd runs and manages both controllers (bluetoothd has
/// its own GATT server listening on the ATT fixed channel of each). What the README's "Alongside bluetoothd" says
/// comes from here: which listener gets an incoming ATT link, and what bluetoothd's D-Bus shows for our links.
/// </summary>
public sealed class GattAlongsideBluetoothdHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly Guid Custom = Guid.Parse("5352c000-0000-4000-8000-00805f9b34fb");
    private static readonly Guid CustomChrc = Guid.Parse("5352c001-0000-4000-8000-00805f9b34fb");
    private const string Python = "/usr/bin/python3";

    // Every org.bluez.Device1: adapter/device path, Connected, ServicesResolved and how many GattService1 objects it has.
    private const string Devices =
        "import dbus\nb=dbus.SystemBus()\n" +
        "o=dbus.Interface(b.get_object('org.bluez','/'),'org.freedesktop.DBus.ObjectManager').GetManagedObjects()\n" +
        "for p,i in sorted(o.items()):\n" +
        " d=i.get('org.bluez.Device1')\n" +
        " if d: print('%s Connected=%d ServicesResolved=%d GattServices=%d' % (p, d['Connected'], d['ServicesResolved'], " +
        "sum(1 for q,j in o.items() if q.startswith(p+'/') and 'org.bluez.GattService1' in j)))\n";

    [Fact]
    public async Task Our_advertising_server_and_client_work_while_bluetoothd_manages_both_controllers_and_our_listener_wins_the_ATT_link()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.That(File.Exists(Python), $"{Python} is missing");
        var p = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        await using (var m = new MgmtClient(MgmtSocketTransport.Open()))
            foreach (var i in new[] { p.LocalIndex, p.PeerIndex }) await m.SetLowEnergyAsync(i, true, Ct);
        await using var bluetoothd = await BluetoothdLab.StartAsync([p.LocalIndex, p.PeerIndex], Ct);
        try
        {
            Report(bluetoothd.TakeOver);
            await using var mgmt = new MgmtClient(MgmtSocketTransport.Open());
            var db = new GattDatabase();
            var chrc = db.AddService(Custom).AddCharacteristic(CustomChrc, GattCharacteristicProperties.Read, GattPermissions.Read, "ours"u8.ToArray());
            var target = new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic);
            // mgmt Add Advertising beside bluetoothd (which has no advertisement registered); the connects below need it.
            await using var adv = await LeAdvertisement.StartAsync(mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-beside" }, cancellationToken: Ct);

            // 1. Our server listens on hci(local)'s ATT channel after bluetoothd's listener: our client gets our database.
            await using (var server = GattServer.Start(p.LocalAddress, db))
            {
                await using var connection = await GattConnection.ConnectAsync(p.PeerAddress, target, new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct);
                var services = await connection.Client.DiscoverPrimaryServicesAsync(cancellationToken: Ct);
                Report("with our server listening, our client discovered " + string.Join(", ", services.Select(s => s.Uuid)));
                var ours = services.Single(s => s.Uuid == Custom);
                var c = Assert.Single(await connection.Client.DiscoverCharacteristicsAsync(ours, Ct));
                Assert.Equal("ours"u8.ToArray(), await connection.Client.ReadAsync(c.ValueHandle, Ct));
                Assert.Single(server.Clients);
                Report("bluetoothd's view during our link: " + DevicesNow());
                await connection.DisposeAsync();
                Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound), "our server still lists the client");
            }

            // 2. Our server stopped: the same connect now reaches bluetoothd's GATT server (GAP 0x1800, GATT 0x1801).
            await using (var connection = await GattConnection.ConnectAsync(p.PeerAddress, target, new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct))
            {
                var services = await connection.Client.DiscoverPrimaryServicesAsync(cancellationToken: Ct);
                Report("without our server, our client discovered " + string.Join(", ", services.Select(s => s.Uuid)));
                Assert.DoesNotContain(services, s => s.Uuid == Custom);
                Assert.Contains(services, s => s.Uuid == BluetoothUuid.FromShort(0x1800));
                Assert.Contains(services, s => s.Uuid == BluetoothUuid.FromShort(0x1801));
                Report("bluetoothd's view during the link to its server: " + DevicesNow());
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n--- bluetoothd:\n{bluetoothd.Log}", e);
        }
    }

    // The kernel offers an incoming LE link's ATT channel (fixed CID 4) to one listener only: the first match in its global
    // channel list (l2cap_core.c, l2cap_global_fixed_chan), where each new socket's channel goes to the front
    // (l2cap_chan_create: list_add). So the newest listening socket wins — here bluetoothd's, created after ours.
    [Fact]
    public async Task With_our_server_started_before_bluetoothd_the_ATT_link_goes_to_bluetoothds_server_until_ours_is_restarted()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        var p = await LabBluetooth.BaselinePairAsync(local, peer, Ct);
        await using (var m = new MgmtClient(MgmtSocketTransport.Open()))
            foreach (var i in new[] { p.LocalIndex, p.PeerIndex }) await m.SetLowEnergyAsync(i, true, Ct);
        var db = new GattDatabase();
        db.AddService(Custom).AddCharacteristic(CustomChrc, GattCharacteristicProperties.Read, GattPermissions.Read, "ours"u8.ToArray());
        var target = new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic);
        var early = GattServer.Start(p.LocalAddress, db);
        try
        {
            await using var bluetoothd = await BluetoothdLab.StartAsync([p.LocalIndex, p.PeerIndex], Ct);
            try
            {
                await using var mgmt = new MgmtClient(MgmtSocketTransport.Open());
                await using var adv = await LeAdvertisement.StartAsync(mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-early" }, cancellationToken: Ct);

                var services = await ServicesAsync(p, target);
                Report("our server started before bluetoothd: our client discovered " + string.Join(", ", services.Select(s => s.Uuid)));
                Assert.DoesNotContain(services, s => s.Uuid == Custom);
                Assert.Contains(services, s => s.Uuid == BluetoothUuid.FromShort(0x1800));
                Assert.Empty(early.Clients);

                await early.DisposeAsync();
                await using var restarted = GattServer.Start(p.LocalAddress, db);
                services = await ServicesAsync(p, target);
                Report("our server restarted after bluetoothd: our client discovered " + string.Join(", ", services.Select(s => s.Uuid)));
                Assert.Contains(services, s => s.Uuid == Custom);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n--- bluetoothd:\n{bluetoothd.Log}", e);
            }
        }
        finally
        {
            await early.DisposeAsync();
        }
    }

    /// <summary>
    /// Connects (peer → local), lists the primary services, disconnects, and waits until neither side has the link: a
    /// listener only gets links that come up while it listens, so the next connect must bring up a new one.
    /// </summary>
    private static async Task<IReadOnlyList<GattService>> ServicesAsync((ushort LocalIndex, ushort PeerIndex, ulong LocalAddress, ulong PeerAddress) p,
        BluetoothDeviceAddress target)
    {
        IReadOnlyList<GattService> services;
        await using (var connection = await GattConnection.ConnectAsync(p.PeerAddress, target, new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct))
            services = await connection.Client.DiscoverPrimaryServicesAsync(cancellationToken: Ct);
        await using var mgmt = new MgmtClient(MgmtSocketTransport.Open());
        await LabBluetooth.WaitForNoLinkBetweenAsync(mgmt, p.PeerIndex, p.PeerAddress, p.LocalIndex, p.LocalAddress, Bound, Ct);
        return services;
    }

    private static string DevicesNow()
    {
        var r = LabProcess.Run(Python, "-c", Devices);
        return (r.StandardOutput + r.StandardError).Trim().Replace('\n', ';');
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@BESIDE " + line);
    }
}
