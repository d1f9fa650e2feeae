using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>Fact 2 of the GATT fault tests: the controller vanishes under a connected client.</summary>
public sealed partial class GattFaultHwTests
{
    /// <summary>
    /// Fact 2: the lab's btvirt is killed (hci0 and hci1 both vanish) while our client, connected to our server, has three
    /// reads pending behind a blocked read handler and one notification subscription: all of them and the state stream
    /// must end within 1 s of the client controller's Index Removed. The lab's btvirt is restarted afterwards.
    /// </summary>
    [Fact]
    public async Task Controller_removed_ends_every_pending_operation_and_the_state_stream_within_1_s()
    {
        var (local, peerName) = LabRequire.BluetoothPair();
        LabRequire.Root();
        LabRequire.InLab();
        LabRequire.That(File.Exists(LabControl.BtvirtPidFile), "the lab's btvirt pid file " + LabControl.BtvirtPidFile + " is missing");
        int btvirtPid = int.Parse(File.ReadAllText(LabControl.BtvirtPidFile).Trim(), CultureInfo.InvariantCulture);
        bool killed = false;
        await using var p = await LowEnergyPair.OpenAsync(local, peerName, Ct);
        try
        {
            var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var db = new GattDatabase();
            var svc = db.AddService(Service);
            var blocked = svc.AddCharacteristic(BluetoothUuid.FromShort(0xFFF1), GattCharacteristicProperties.Read, GattPermissions.Read,
                onRead: async (_, ct) =>
                {
                    entered.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                    return ReadOnlyMemory<byte>.Empty;
                });
            var notifying = svc.AddCharacteristic(BluetoothUuid.FromShort(0xFFF2), GattCharacteristicProperties.Notify, GattPermissions.None);
            await using var server = GattServer.Start(p.LocalAddress, db);
            var adv = await LeAdvertisement.StartAsync(p.Mgmt, p.LocalIndex, new LeAdvertisementOptions { Name = "SR-gfault" }, cancellationToken: Ct);
            Step("controller removal: connecting");
            var connection = await GattConnection.ConnectAsync(p.PeerAddress, new BluetoothDeviceAddress(p.LocalAddress, BluetoothAddressType.LePublic),
                new GattConnectionOptions { ConnectTimeout = Bound }, cancellationToken: Ct);
            Step("controller removal: connected");
            try
            {
                var log = new StateLog(connection);
                var sw = new Stopwatch();
                var chr = new GattCharacteristic(notifying.Uuid, (ushort)(notifying.ValueHandle - 1), notifying.Properties, notifying.ValueHandle, notifying.CccdHandle);
                var values = new List<byte[]>();
                var subscriptionEnd = new TaskCompletionSource<(Exception? Error, long Ms)>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var subscription = connection.Client.Subscribe(chr, notifying.CccdHandle).Subscribe(
                    v => { lock (values) values.Add(v.ToArray()); },
                    e => subscriptionEnd.TrySetResult((e, sw.ElapsedMilliseconds)),
                    () => subscriptionEnd.TrySetResult((null, sw.ElapsedMilliseconds)));
                Assert.True(LabProcess.WaitUntil(() => server.Clients.Any(c => c.GetClientConfiguration(notifying) == 1), Bound), "the CCCD was never written");
                Assert.Equal(1, await server.NotifyAsync(notifying, new byte[] { 0x07 }, Ct));
                Assert.True(LabProcess.WaitUntil(() => { lock (values) return values.Count == 1; }, Bound), "the notification did not arrive");

                var reads = Enumerable.Range(0, 3).Select(_ => Timed(connection.Client.ReadAsync(blocked.ValueHandle, Ct), sw)).ToArray();
                await entered.Task.WaitAsync(Bound, Ct);
                var stateEnd = Timed(connection.Disconnected, sw);
                var indexRemoved = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                using var watch = p.Mgmt.Events.Subscribe(e =>
                {
                    if (e.Code == MgmtEventCode.MGMT_EV_INDEX_REMOVED && e.Index == p.PeerIndex) indexRemoved.TrySetResult(sw.ElapsedMilliseconds);
                }, _ => { });
                Assert.All(reads, r => Assert.False(r.IsCompleted));

                Step("controller removal: killing btvirt");
                sw.Start();
                killed = true;
                LabProcess.Run("kill", btvirtPid.ToString(CultureInfo.InvariantCulture)).EnsureSuccess();
                long killMs = sw.ElapsedMilliseconds;
                long removedMs = await indexRemoved.Task.WaitAsync(Bound, Ct);
                var ends = new List<long>();
                Exception? readError = null;
                foreach (var r in reads)
                {
                    var (error, ms) = await r.WaitAsync(Bound, Ct);
                    Assert.IsType<AttBearerClosedException>(error);
                    readError ??= error;
                    ends.Add(ms);
                }
                var (subError, subMs) = await subscriptionEnd.Task.WaitAsync(Bound, Ct);
                Assert.IsType<AttBearerClosedException>(subError);
                ends.Add(subMs);
                var (stateError, stateMs) = await stateEnd.WaitAsync(Bound, Ct);
                Assert.Null(stateError);
                ends.Add(stateMs);
                var final = await connection.Disconnected;
                Assert.Equal(GattDisconnectReason.LocalHost, final.Reason);   // HCI 0x16 → ECONNABORTED: our controller went away
                log.AssertEndedOnce(final);
                string timeline = $"kill returned {killMs} ms, Index Removed (hci{p.PeerIndex}) {removedMs} ms; reads ended {string.Join("/", ends.Take(3))} ms, " +
                    $"subscription {subMs} ms, state {stateMs} ms (after the kill was sent)";
                Assert.True(ends.Max() <= removedMs + 1000, "not all ended within 1 s of Index Removed: " + timeline);
                Report($"controller removed: {timeline}; reads {readError?.GetType().Name} (inner {readError?.InnerException?.GetType().Name}: " +
                    $"{readError?.InnerException?.Message}); state Disconnected/{final.Reason} ({final.Exception?.GetType().Name})");
            }
            finally
            {
                connection.Dispose();
                try { await adv.DisposeAsync(); }
                catch (MgmtException) when (killed) { }   // the controller is gone
            }
        }
        finally
        {
            // Before the pair's restore: fresh hci0/hci1 (LE off, as btvirt starts them) for the tests after this one.
            Step("controller removal: cleaning up");
            if (killed) LabControl.RestartBtvirt(2);
        }
    }

    private static async Task<(Exception? Error, long Ms)> Timed(Task task, Stopwatch sw)
    {
        try
        {
            await task.ConfigureAwait(false);
            return (null, sw.ElapsedMilliseconds);
        }
        catch (Exception e)
        {
            return (e, sw.ElapsedMilliseconds);
        }
    }
}
