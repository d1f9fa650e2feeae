using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our GATT client against BlueZ's GATT server: bluetoothd with bluez-test-scripts' example-gatt-server on one controller,
/// our <see cref="GattConnection"/> on the other over LE (public address). Every expected value is what the script
/// defines: Heart Rate 0x180D (0x2A37 notify, 0x2A38 read → 0x01 "Chest", 0x2A39 write: 0x01 accepted, others
/// "0x80", length ≠ 1 InvalidValueLength), Battery 0x180F (0x2A19 read/notify from 100, −2 every 5 s while notifying),
/// Test Service 12345678-…-def0 (…def1 read/write echo with descriptors …def2 and 0x2901 "This is a
/// characteristic for testing").
/// </summary>
public sealed class GattBluezServerHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly Guid HeartRate = BluetoothUuid.FromShort(0x180D), Battery = BluetoothUuid.FromShort(0x180F);
    private static readonly Guid TestService = Guid.Parse("12345678-1234-5678-1234-56789abcdef0");
    private static readonly Guid TestChrc = Guid.Parse("12345678-1234-5678-1234-56789abcdef1");
    private static readonly Guid TestDesc = Guid.Parse("12345678-1234-5678-1234-56789abcdef2");
    private static readonly Guid UserDescription = BluetoothUuid.FromShort(0x2901);

    [Fact]
    public async Task Client_discovers_reads_writes_and_gets_notifications_from_example_gatt_server_then_sees_the_remote_disconnect()
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        await using var bluez = await BluezGattPeer.StartAsync(local, peer, Ct);
        ulong serverAddress, clientAddress;
        await using (var mgmt = new MgmtClient(MgmtSocketTransport.Open()))
        {
            serverAddress = (await mgmt.ReadControllerInfoAsync(LabBluetooth.Index(bluez.ServerAdapter), Ct)).Address;
            clientAddress = (await mgmt.ReadControllerInfoAsync(LabBluetooth.Index(bluez.ClientAdapter), Ct)).Address;
        }
        var states = new List<GattConnectionState>();
        GattConnection? connection = null;
        try
        {
            connection = await GattConnection.ConnectAsync(clientAddress, new BluetoothDeviceAddress(serverAddress, BluetoothAddressType.LePublic),
                new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct);
            using var stateLog = connection.State.Subscribe(s => { lock (states) states.Add(s); });
            var gatt = connection.Client;
            Report($"{bluez.ClientAdapter} → {bluez.ServerAdapter}: connected, ATT_MTU {connection.Bearer.Mtu}");

            var services = await gatt.DiscoverPrimaryServicesAsync(cancellationToken: Ct);
            Assert.Contains(services, s => s.Uuid == HeartRate);
            Assert.Contains(services, s => s.Uuid == Battery);
            Assert.Contains(services, s => s.Uuid == TestService);
            var byUuid = await gatt.DiscoverPrimaryServicesAsync(TestService, Ct);
            Assert.Equal(services.Single(s => s.Uuid == TestService), Assert.Single(byUuid));

            var hr = await gatt.DiscoverCharacteristicsAsync(services.Single(s => s.Uuid == HeartRate), Ct);
            var measurement = hr.Single(c => c.Uuid == BluetoothUuid.FromShort(0x2A37));
            var location = hr.Single(c => c.Uuid == BluetoothUuid.FromShort(0x2A38));
            var control = hr.Single(c => c.Uuid == BluetoothUuid.FromShort(0x2A39));
            Assert.Equal(GattCharacteristicProperties.Notify, measurement.Properties);
            Assert.Equal(GattCharacteristicProperties.Read, location.Properties);
            Assert.Equal(GattCharacteristicProperties.Write, control.Properties);
            var level = Assert.Single(await gatt.DiscoverCharacteristicsAsync(services.Single(s => s.Uuid == Battery), Ct));
            Assert.Equal(BluetoothUuid.FromShort(0x2A19), level.Uuid);
            Assert.Equal(GattCharacteristicProperties.Read | GattCharacteristicProperties.Notify, level.Properties);

            // Reads: BodySensorLocationChrc returns [0x01]; the battery only drains while notifying, so it reads 100.
            Assert.Equal([0x01], await gatt.ReadAsync(location.ValueHandle, Ct));
            Assert.Equal([100], await gatt.ReadAsync(level.ValueHandle, Ct));

            // Writes: HeartRateControlPointChrc accepts exactly [1]; [2] raises FailedException("0x80"), two bytes InvalidValueLength.
            await gatt.WriteAsync(control.ValueHandle, new byte[] { 0x01 }, Ct);
            var failed = await Assert.ThrowsAsync<AttErrorResponseException>(() => gatt.WriteAsync(control.ValueHandle, new byte[] { 0x02 }, Ct));
            Assert.Equal((AttErrorCode)0x80, failed.ErrorCode);
            var length = await Assert.ThrowsAsync<AttErrorResponseException>(() => gatt.WriteAsync(control.ValueHandle, new byte[] { 0x01, 0x01 }, Ct));
            Assert.Equal(AttErrorCode.InvalidAttributeValueLength, length.ErrorCode);

            // Test characteristic: stores what is written, reads it back; its descriptors are static / initial values.
            var test = (await gatt.DiscoverCharacteristicsAsync(services.Single(s => s.Uuid == TestService), Ct)).Single(c => c.Uuid == TestChrc);
            byte[] written = Encoding.ASCII.GetBytes("ShortRange wrote this " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            await gatt.WriteAsync(test.ValueHandle, written, Ct);
            Assert.Equal(written, await gatt.ReadAsync(test.ValueHandle, Ct));
            var descriptors = await gatt.DiscoverDescriptorsAsync(test, Ct);
            // TestDescriptor.ReadValue builds dbus.Byte('T'), which python3-dbus rejects (TypeError): bluetoothd then answers
            // Unlikely Error. Its value is not checked; that it is there, and the error being typed, is.
            var testDesc = descriptors.Single(d => d.Uuid == TestDesc);
            Assert.Equal(AttErrorCode.UnlikelyError, (await Assert.ThrowsAsync<AttErrorResponseException>(() => gatt.ReadAsync(testDesc.Handle, Ct))).ErrorCode);
            Assert.Equal("This is a characteristic for testing"u8.ToArray(), await gatt.ReadAsync(descriptors.Single(d => d.Uuid == UserDescription).Handle, Ct));

            // Notifications: Heart Rate Measurement every second, flags 0x06 + 90..130 bpm (0x0E + energy expended every 10th).
            var hrValues = await NotifiedAsync(gatt, measurement, 3);
            foreach (var v in hrValues)
            {
                Assert.True(v is [0x06, >= 90 and <= 130] or [0x0E, >= 90 and <= 130, _, _], "unexpected Heart Rate Measurement " + Convert.ToHexString(v));
            }
            // Battery Level: 100 on StartNotify, then 2 less every 5 s.
            var battery = await NotifiedAsync(gatt, level, 2);
            Assert.True(battery[0] is [100] or [98] && battery[1] is [var second] && second == battery[0][0] - 2,
                "unexpected Battery Level sequence " + string.Join(",", battery.Select(Convert.ToHexString)));
            Report($"HR {string.Join(" ", hrValues.Select(Convert.ToHexString))}; battery {string.Join(" ", battery.Select(Convert.ToHexString))}");

            // Remote disconnect: the server's controller drops the link; our state stream and pending work must hear it.
            await using (var mgmt = new MgmtClient(MgmtSocketTransport.Open()))
                await mgmt.DisconnectAsync(LabBluetooth.Index(bluez.ServerAdapter), new BluetoothDeviceAddress(clientAddress, BluetoothAddressType.LePublic), Ct);
            var final = await connection.Disconnected.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal(GattDisconnectReason.Remote, final.Reason);
            await Assert.ThrowsAsync<AttBearerClosedException>(() => gatt.ReadAsync(location.ValueHandle, Ct));
            // Replayed to a late subscriber, and the stream completes without error.
            var last = await connection.State.LastAsync().ToTask(Ct).WaitAsync(TimeSpan.FromSeconds(5), Ct);
            Assert.Equal(GattConnectionStatus.Disconnected, last.Status);
            lock (states)
                Assert.Equal([GattConnectionStatus.Connected, GattConnectionStatus.Disconnected], states.Select(s => s.Status));
            Report($"remote disconnect reported: {final.Reason} ({final.Exception?.GetType().Name}: {final.Exception?.Message})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n{bluez.Log}", e);
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static async Task<byte[][]> NotifiedAsync(GattClient gatt, GattCharacteristic characteristic, int count)
    {
        var cccd = (await gatt.DiscoverDescriptorsAsync(characteristic, Ct)).Single(d => d.Uuid == GattUuids.ClientCharacteristicConfiguration);
        var values = await gatt.Subscribe(characteristic, cccd.Handle).Take(count).Select(v => v.ToArray()).ToArray()
            .ToTask(Ct).WaitAsync(Bound, Ct);
        return values;
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@GATT " + line);
    }
}
