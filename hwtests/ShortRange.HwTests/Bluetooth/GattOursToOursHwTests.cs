using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Devices;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// Our GATT client (GattConnection on the peer controller) against our GattServer (local controller) through the
/// kernel's L2CAP LE socket, at ATT_MTU 23, with btmon capturing the client's controller: every ATT PDU type of Core 5.4
/// Vol 3 Part F §3.4.8 (Table 3.37) crosses the link at least once, and BlueZ's decoder (btmon -r) must show each one,
/// from the right side, with the right answer after every request. On top: a long read (Read Blob) and a long write
/// (Prepare/Execute) of values many times ATT_MTU, checked byte for byte on both sides; 200 notifications in order with
/// none lost; an indication whose server call completes only after our client confirmed it; Write Command and Signed
/// Write Command seen (or, for the signed one, ignored) by the server.
/// ATT_MULTIPLE_HANDLE_VALUE_NTF: our GattServer has no API that sends it, so after the GattServer session the same
/// client connects once more to a bare L2CAP ATT listener that sends one, encoded by our AttCodec and sent on our
/// L2capAttTransport; our client's bearer must deliver both tuples.
/// </summary>
public sealed class GattOursToOursHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly Guid Service = Guid.Parse("5352c000-0000-4000-8000-00805f9b34fb");
    private static readonly Guid LongUuid = Guid.Parse("5352c001-0000-4000-8000-00805f9b34fb");
    private static readonly Guid CounterUuid = Guid.Parse("5352c002-0000-4000-8000-00805f9b34fb");
    private static readonly Guid AlertUuid = Guid.Parse("5352c003-0000-4000-8000-00805f9b34fb");
    private static readonly Guid SinkUuid = Guid.Parse("5352c004-0000-4000-8000-00805f9b34fb");
    private static readonly Guid FixedUuid = Guid.Parse("5352c005-0000-4000-8000-00805f9b34fb");
    private const int Notifications = 200;

    private enum Side { Client, Server }

    /// <summary>
    /// Core 5.4 Vol 3 Part F §3.4.8, Table 3.37: every ATT PDU, its opcode, who sends it, the response a request expects,
    /// and the name BlueZ's btmon (monitor/att.c) prints for it.
    /// </summary>
    private static readonly (byte Opcode, string Spec, string Btmon, Side From, byte? Response)[] Table =
    [
        (0x01, "ATT_ERROR_RSP", "Error Response", Side.Server, null),
        (0x02, "ATT_EXCHANGE_MTU_REQ", "Exchange MTU Request", Side.Client, 0x03),
        (0x03, "ATT_EXCHANGE_MTU_RSP", "Exchange MTU Response", Side.Server, null),
        (0x04, "ATT_FIND_INFORMATION_REQ", "Find Information Request", Side.Client, 0x05),
        (0x05, "ATT_FIND_INFORMATION_RSP", "Find Information Response", Side.Server, null),
        (0x06, "ATT_FIND_BY_TYPE_VALUE_REQ", "Find By Type Value Request", Side.Client, 0x07),
        (0x07, "ATT_FIND_BY_TYPE_VALUE_RSP", "Find By Type Value Response", Side.Server, null),
        (0x08, "ATT_READ_BY_TYPE_REQ", "Read By Type Request", Side.Client, 0x09),
        (0x09, "ATT_READ_BY_TYPE_RSP", "Read By Type Response", Side.Server, null),
        (0x0A, "ATT_READ_REQ", "Read Request", Side.Client, 0x0B),
        (0x0B, "ATT_READ_RSP", "Read Response", Side.Server, null),
        (0x0C, "ATT_READ_BLOB_REQ", "Read Blob Request", Side.Client, 0x0D),
        (0x0D, "ATT_READ_BLOB_RSP", "Read Blob Response", Side.Server, null),
        (0x0E, "ATT_READ_MULTIPLE_REQ", "Read Multiple Request", Side.Client, 0x0F),
        (0x0F, "ATT_READ_MULTIPLE_RSP", "Read Multiple Response", Side.Server, null),
        (0x10, "ATT_READ_BY_GROUP_TYPE_REQ", "Read By Group Type Request", Side.Client, 0x11),
        (0x11, "ATT_READ_BY_GROUP_TYPE_RSP", "Read By Group Type Response", Side.Server, null),
        (0x20, "ATT_READ_MULTIPLE_VARIABLE_REQ", "Read Multiple Request Variable Length", Side.Client, 0x21),
        (0x21, "ATT_READ_MULTIPLE_VARIABLE_RSP", "Read Multiple Response Variable Length", Side.Server, null),
        (0x12, "ATT_WRITE_REQ", "Write Request", Side.Client, 0x13),
        (0x13, "ATT_WRITE_RSP", "Write Response", Side.Server, null),
        (0x52, "ATT_WRITE_CMD", "Write Command", Side.Client, null),
        (0xD2, "ATT_SIGNED_WRITE_CMD", "Signed Write Command", Side.Client, null),
        (0x16, "ATT_PREPARE_WRITE_REQ", "Prepare Write Request", Side.Client, 0x17),
        (0x17, "ATT_PREPARE_WRITE_RSP", "Prepare Write Response", Side.Server, null),
        (0x18, "ATT_EXECUTE_WRITE_REQ", "Execute Write Request", Side.Client, 0x19),
        (0x19, "ATT_EXECUTE_WRITE_RSP", "Execute Write Response", Side.Server, null),
        (0x1B, "ATT_HANDLE_VALUE_NTF", "Handle Value Notification", Side.Server, null),
        (0x1D, "ATT_HANDLE_VALUE_IND", "Handle Value Indication", Side.Server, null),
        (0x1E, "ATT_HANDLE_VALUE_CFM", "Handle Value Confirmation", Side.Client, null),
        (0x23, "ATT_MULTIPLE_HANDLE_VALUE_NTF", "Handle Multiple Value Notification", Side.Server, null),
    ];

    [Fact]
    public async Task Our_client_and_our_server_exchange_every_att_pdu_type_as_btmon_decodes_them()
    {
        await using var lab = await LeAdvertisingLab.OpenAsync("gatt-o2o", Ct);   // LE pair + btmon on both controllers
        var mgmt = lab.Mgmt;
        ulong peerAddress = (await mgmt.ReadControllerInfoAsync(lab.PeerIndex, Ct)).Address;
        var target = new BluetoothDeviceAddress(lab.LocalAddress, BluetoothAddressType.LePublic);
        var timings = new List<string>();
        var total = Stopwatch.StartNew();

        // 1 service | 2–3 Long rw (400 octets) | 4–6 Counter notify + CCCD | 7–9 Alert indicate + CCCD
        // | 10–11 Sink write-only (write, write without response) | 12–13 Fixed read-only = A5 5A.
        byte[] initial = [.. Enumerable.Range(0, 400).Select(i => (byte)(i * 13 + 1))];
        byte[] big = [.. Enumerable.Range(0, AttConstants.MaxAttributeValueLength).Select(i => (byte)(255 - i * 7))];
        var longWrites = new List<byte[]>();
        var sinkWrites = new List<byte[]>();
        var commandSeen = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var db = new GattDatabase();
        var service = db.AddService(Service);
        var longChr = service.AddCharacteristic(LongUuid, GattCharacteristicProperties.Read | GattCharacteristicProperties.Write, GattPermissions.ReadWrite, initial,
            onWrite: (_, v, _) => { lock (longWrites) longWrites.Add(v.ToArray()); return ValueTask.CompletedTask; });
        var counter = service.AddCharacteristic(CounterUuid, GattCharacteristicProperties.Notify, GattPermissions.None);
        var alert = service.AddCharacteristic(AlertUuid, GattCharacteristicProperties.Indicate, GattPermissions.None);
        var sink = service.AddCharacteristic(SinkUuid, GattCharacteristicProperties.Write | GattCharacteristicProperties.WriteWithoutResponse, GattPermissions.Write,
            onWrite: (_, v, _) =>
            {
                lock (sinkWrites) sinkWrites.Add(v.ToArray());
                if (v.Span.SequenceEqual("command"u8)) commandSeen.TrySetResult(v.ToArray());
                return ValueTask.CompletedTask;
            });
        var fixedChr = service.AddCharacteristic(FixedUuid, GattCharacteristicProperties.Read, GattPermissions.Read, new byte[] { 0xA5, 0x5A });
        Assert.Equal((3, 5, 6, 8, 9, 11, 13), (longChr.ValueHandle, counter.ValueHandle, counter.CccdHandle, alert.ValueHandle, alert.CccdHandle,
            sink.ValueHandle, fixedChr.ValueHandle));

        await using var adv = await LeAdvertisement.StartAsync(mgmt, lab.LocalIndex, new LeAdvertisementOptions { Name = "SR-o2o" }, cancellationToken: Ct);
        await using (var server = GattServer.Start(lab.LocalAddress, db))
        {
            var sw = Stopwatch.StartNew();
            // ATT_EXCHANGE_MTU_REQ offering 23: the server offers 517, ATT_MTU = min = 23 (§3.4.2).
            await using (var connection = await GattConnection.ConnectAsync(peerAddress, target, new GattConnectionOptions { ConnectTimeout = Bound, ReceiveMtu = 23 },
                cancellationToken: Ct))
            {
                var gatt = connection.Client;
                var bearer = connection.Bearer;
                Assert.Equal(23, bearer.Mtu);
                Lap(timings, sw, "connect + MTU exchange");
                Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 1, Bound), "our server did not list our client");
                var serverSide = server.Clients[0];
                Assert.Equal(new BluetoothDeviceAddress(peerAddress, BluetoothAddressType.LePublic), serverSide.Remote);
                Assert.Equal(23, serverSide.Bearer.Mtu);

                // Discovery: Read By Group Type, Find By Type Value, Read By Type, Find Information (each ends on Attribute Not Found).
                var all = await gatt.DiscoverPrimaryServicesAsync(cancellationToken: Ct).WaitAsync(Bound, Ct);
                Assert.Equal([new GattService(Service, 1, 13)], all);
                Assert.Equal(all, await gatt.DiscoverPrimaryServicesAsync(Service, Ct).WaitAsync(Bound, Ct));
                var chars = await gatt.DiscoverCharacteristicsAsync(all[0], Ct).WaitAsync(Bound, Ct);
                Assert.Equal([LongUuid, CounterUuid, AlertUuid, SinkUuid, FixedUuid], chars.Select(c => c.Uuid));
                Assert.Equal([3, 5, 8, 11, 13], chars.Select(c => (int)c.ValueHandle));
                Assert.Equal([GattCharacteristicProperties.Read | GattCharacteristicProperties.Write, GattCharacteristicProperties.Notify,
                    GattCharacteristicProperties.Indicate, GattCharacteristicProperties.Write | GattCharacteristicProperties.WriteWithoutResponse,
                    GattCharacteristicProperties.Read], chars.Select(c => c.Properties));
                Assert.Equal([new GattDescriptor(GattUuids.ClientCharacteristicConfiguration, 6)], await gatt.DiscoverDescriptorsAsync(chars[1], Ct).WaitAsync(Bound, Ct));
                Assert.Equal([new GattDescriptor(GattUuids.ClientCharacteristicConfiguration, 9)], await gatt.DiscoverDescriptorsAsync(chars[2], Ct).WaitAsync(Bound, Ct));
                Lap(timings, sw, "discovery");

                // Reads: Read, Read By Type (by UUID), Read Multiple (cut at ATT_MTU − 1), Read Multiple Variable (Long's Length whole, value cut).
                Assert.Equal([0xA5, 0x5A], await gatt.ReadAsync(13, Ct).WaitAsync(Bound, Ct));
                var byUuid = Assert.Single(await gatt.ReadByUuidAsync(FixedUuid, cancellationToken: Ct).WaitAsync(Bound, Ct));
                Assert.Equal(13, byUuid.Handle);
                Assert.Equal([0xA5, 0x5A], byUuid.Value.ToArray());
                Assert.Equal([0xA5, 0x5A, .. initial[..20]], await gatt.ReadMultipleAsync([13, 3], Ct).WaitAsync(Bound, Ct));
                var variable = await gatt.ReadMultipleVariableAsync([13, 3], Ct).WaitAsync(Bound, Ct);
                Assert.Equal([[0xA5, 0x5A], initial[..16]], variable);

                // Long read: ATT_READ_REQ (22 octets) then ATT_READ_BLOB_REQs until a short part: 400 octets = 19 PDUs.
                Assert.Equal(initial, await gatt.ReadAsync(3, Ct).WaitAsync(Bound, Ct));
                Lap(timings, sw, "reads incl. long read of 400 octets");

                // Long write: 512 octets in 29 ATT_PREPARE_WRITE_REQs of ≤ 18, then ATT_EXECUTE_WRITE_REQ (write). The server's
                // handler sees the whole value once; reading it back (Read Blob again) returns it.
                await gatt.WriteAsync(3, big, Ct).WaitAsync(Bound, Ct);
                lock (longWrites) Assert.Equal(big, Assert.Single(longWrites));
                Assert.Equal(big, longChr.Value.ToArray());
                Assert.Equal(big, await gatt.ReadAsync(3, Ct).WaitAsync(Bound, Ct));
                Lap(timings, sw, "long write of 512 octets + read back");

                // Prepared and cancelled (Execute Write flags 0x00): nothing is written.
                var echo = (AttPrepareWriteResponse)await bearer.RequestAsync(new AttPrepareWriteRequest(3, 0, "xyz"u8.ToArray()), Ct).WaitAsync(Bound, Ct);
                Assert.Equal((3, 0), (echo.AttributeHandle, echo.ValueOffset));
                Assert.Equal("xyz"u8.ToArray(), echo.PartAttributeValue.ToArray());
                Assert.IsType<AttExecuteWriteResponse>(await bearer.RequestAsync(new AttExecuteWriteRequest(AttExecuteWriteFlags.Cancel), Ct).WaitAsync(Bound, Ct));
                Assert.Equal(big, longChr.Value.ToArray());
                lock (longWrites) Assert.Single(longWrites);

                // Write Request, then Write Command: the server's handler gets both.
                await gatt.WriteAsync(11, "request"u8.ToArray(), Ct).WaitAsync(Bound, Ct);
                await gatt.WriteWithoutResponseAsync(11, "command"u8.ToArray(), Ct).WaitAsync(Bound, Ct);
                Assert.Equal("command"u8.ToArray(), await commandSeen.Task.WaitAsync(Bound, Ct));

                // Signed Write Command with a made-up signature: we share no CSRK, so the server cannot verify it and must
                // ignore it (§3.4.5.4). The read after it is answered after the command was handled (one receive loop, in order).
                await bearer.SendCommandAsync(new AttSignedWriteCommand(11, "signed"u8.ToArray(), new byte[12]), Ct).WaitAsync(Bound, Ct);
                Assert.Equal([0xA5, 0x5A], await gatt.ReadAsync(13, Ct).WaitAsync(Bound, Ct));
                lock (sinkWrites) Assert.Equal(["request"u8.ToArray(), "command"u8.ToArray()], sinkWrites);
                Assert.Equal("command"u8.ToArray(), sink.Value.ToArray());

                // Error Responses: Read Not Permitted, Invalid Handle (handle 0x0000), Write Not Permitted, Invalid Offset.
                Assert.Equal((AttOpcode.ATT_READ_REQ, (ushort)11, AttErrorCode.ReadNotPermitted), await ErrorOf(gatt.ReadAsync(11, Ct)));
                Assert.Equal((AttOpcode.ATT_READ_REQ, (ushort)0, AttErrorCode.InvalidHandle), await ErrorOf(bearer.RequestAsync(new AttReadRequest(0), Ct)));
                Assert.Equal((AttOpcode.ATT_WRITE_REQ, (ushort)13, AttErrorCode.WriteNotPermitted), await ErrorOf(gatt.WriteAsync(13, new byte[] { 1 }, Ct)));
                Assert.Equal((AttOpcode.ATT_READ_BLOB_REQ, (ushort)13, AttErrorCode.InvalidOffset),
                    await ErrorOf(bearer.RequestAsync(new AttReadBlobRequest(13, 3), Ct)));
                Lap(timings, sw, "writes, commands, errors");

                // 200 notifications (big-endian sequence numbers) as fast as the server's socket takes them: all arrive, in order.
                var seq = new List<uint>(Notifications);
                var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (gatt.Subscribe(chars[1], 6).Subscribe(v =>
                {
                    lock (seq)
                    {
                        seq.Add(v.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(v.Span) : uint.MaxValue);
                        if (seq.Count == Notifications) allArrived.TrySetResult();
                    }
                }, e => allArrived.TrySetException(e)))
                {
                    Assert.True(LabProcess.WaitUntil(() => serverSide.GetClientConfiguration(counter) == 1, Bound), "the client did not enable notifications");
                    var n0 = Stopwatch.StartNew();
                    var value = new byte[4];
                    for (uint i = 0; i < Notifications; i++)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(value, i);
                        Assert.Equal(1, await server.NotifyAsync(counter, value, Ct).WaitAsync(Bound, Ct));
                    }
                    var sent = n0.Elapsed;
                    try { await allArrived.Task.WaitAsync(Bound, Ct); }
                    catch (TimeoutException) { }
                    lock (seq)
                    {
                        Assert.True(seq.Count == Notifications, $"our client received {seq.Count} of {Notifications} notifications");
                        for (int i = 0; i < Notifications; i++) Assert.True(seq[i] == (uint)i, $"notification {i} carried {seq[i]} (lost or reordered)");
                    }
                    timings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{Notifications} notifications: sent in {sent.TotalMilliseconds:F0} ms, all received after {n0.Elapsed.TotalMilliseconds:F0} ms"));
                }
                Assert.True(LabProcess.WaitUntil(() => serverSide.GetClientConfiguration(counter) == 0, Bound), "unsubscribing did not clear the CCCD");
                sw.Restart();

                // Indication: our client's observer holds the receive loop until released, and the bearer confirms only after
                // every observer returned, so the server's NotifyAsync cannot complete before the release; after it, it must.
                using var release = new ManualResetEventSlim();
                var indicated = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (gatt.Subscribe(chars[2], 9, indicate: true).Subscribe(v =>
                {
                    indicated.TrySetResult(v.ToArray());
                    release.Wait(Bound);
                }, e => indicated.TrySetException(e)))
                {
                    Assert.True(LabProcess.WaitUntil(() => serverSide.GetClientConfiguration(alert) == 2, Bound), "the client did not enable indications");
                    var i0 = Stopwatch.StartNew();
                    var indicate = server.NotifyAsync(alert, "alert!"u8.ToArray(), Ct);
                    Assert.Equal("alert!"u8.ToArray(), await indicated.Task.WaitAsync(Bound, Ct));
                    var atClient = i0.Elapsed;
                    Assert.False(indicate.IsCompleted, "the server's indication completed before our client confirmed it");
                    release.Set();
                    Assert.Equal(1, await indicate.WaitAsync(Bound, Ct));
                    timings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"indication: at the client after {atClient.TotalMilliseconds:F1} ms, confirmed at the server {i0.Elapsed.TotalMilliseconds:F1} ms after sending"));
                }
                Assert.True(LabProcess.WaitUntil(() => serverSide.GetClientConfiguration(alert) == 0, Bound), "unsubscribing did not clear the indication CCCD");
            }
            Assert.True(LabProcess.WaitUntil(() => server.Clients.Count == 0, Bound), "our server still lists our client after it disconnected");
        }
        // The next listener must see a new link: wait until both controllers have dropped this one.
        await LabBluetooth.WaitForNoLinkBetweenAsync(mgmt, lab.PeerIndex, peerAddress, lab.LocalIndex, lab.LocalAddress, Bound, Ct);

        // ATT_MULTIPLE_HANDLE_VALUE_NTF from a bare ATT listener (our codec, our transport) to our client: both tuples, in order.
        var multi = Stopwatch.StartNew();
        using (var listener = L2capChannel.Listen(new L2capSocketAddress(0, lab.LocalAddress, AttConstants.ATT_CID, BluetoothSocketConstants.BDADDR_LE_PUBLIC)))
        {
            var accept = listener.AcceptAsync(Ct);
            await using var connection = await GattConnection.ConnectAsync(peerAddress, target,
                new GattConnectionOptions { ConnectTimeout = Bound, ReceiveMtu = 23, ExchangeMtu = false }, cancellationToken: Ct);
            var updates = new List<AttHandleValue>();
            var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sub = connection.Bearer.ValueUpdates.Subscribe(v =>
            {
                lock (updates)
                {
                    updates.Add(new AttHandleValue(v.Handle, v.Value.ToArray()));
                    if (updates.Count == 2) both.TrySetResult();
                }
            }, e => both.TrySetException(e));
            using var rawServer = new L2capAttTransport(await accept.WaitAsync(Bound, Ct));
            var pdu = AttCodec.Encode(new AttMultipleHandleValueNotification([new AttHandleValue(5, new byte[] { 0, 0, 0, 200 }), new AttHandleValue(8, "alert!"u8.ToArray())]));
            Assert.True(pdu.Length <= 23, $"the PDU has {pdu.Length} octets");
            await rawServer.SendAsync(pdu, Ct).AsTask().WaitAsync(Bound, Ct);
            await both.Task.WaitAsync(Bound, Ct);
            lock (updates)
            {
                Assert.Equal([(ushort)5, (ushort)8], updates.Select(u => u.Handle));
                Assert.Equal([0, 0, 0, 200], updates[0].Value.ToArray());
                Assert.Equal("alert!"u8.ToArray(), updates[1].Value.ToArray());
            }
        }
        Lap(timings, multi, "multiple handle value notification session");
        await LabBluetooth.WaitForNoLinkBetweenAsync(mgmt, lab.PeerIndex, peerAddress, lab.LocalIndex, lab.LocalAddress, Bound, Ct);
        timings.Add(string.Create(CultureInfo.InvariantCulture, $"whole session {total.Elapsed.TotalSeconds:F1} s"));

        // BlueZ's decoding of the client's controller: "<" = sent by our client, ">" = sent by our server.
        var decodeTime = Stopwatch.StartNew();
        string decoded = lab.DecodePeer();
        var trace = BtmonAttTrace.Parse(decoded, lab.Peer);
        timings.Add(string.Create(CultureInfo.InvariantCulture, $"btmon -r: {decodeTime.Elapsed.TotalSeconds:F1} s, {trace.Pdus.Count} ATT PDUs"));
        Report(string.Join("; ", timings));
        Check(trace, decoded);
        // The MTU exchange as BlueZ decodes it: our client offers 23, our server 517.
        Assert.Contains("Client RX MTU: 23", decoded, StringComparison.Ordinal);
        Assert.Contains("Server RX MTU: 517", decoded, StringComparison.Ordinal);
    }

    private static void Check(BtmonAttTrace trace, string decoded)
    {
        var pdus = trace.Pdus;
        string Context() => "btmon's ATT PDUs (< client, > server):\n" +
            string.Join('\n', pdus.Take(400).Select(p => $"{(p.Sent ? '<' : '>')} 0x{p.Opcode:x2} {p.Name}")) + "\n--- btmon tail ---\n" + LeAdvertisingLab.Tail(decoded);

        // Every PDU type of Table 3.37, under BlueZ's name for that opcode, sent by the side the spec says.
        var missing = new List<string>();
        foreach (var (opcode, spec, btmon, from, _) in Table)
        {
            var seen = pdus.Where(p => p.Opcode == opcode).ToList();
            if (seen.Count == 0) { missing.Add($"{spec} (0x{opcode:X2})"); continue; }
            Assert.True(seen.All(p => p.Name == btmon), $"btmon named 0x{opcode:X2} {string.Join('/', seen.Select(p => p.Name).Distinct())}, expected {btmon}");
            Assert.True(seen.All(p => p.Sent == (from == Side.Client)), $"{spec} was sent by the wrong side\n{Context()}");
        }
        Assert.True(missing.Count == 0, $"btmon never saw {string.Join(", ", missing)}\n{Context()}");
        var unknown = pdus.Where(p => !Table.Any(t => t.Opcode == p.Opcode)).Select(p => $"0x{p.Opcode:X2} {p.Name}").Distinct().ToList();
        Assert.True(unknown.Count == 0, $"btmon saw opcodes outside Table 3.37: {string.Join(", ", unknown)}");

        // Each request is answered before the next one (§3.3.2) by its response, or by an Error Response naming it.
        var answered = new HashSet<byte>();
        for (int i = 0; i < pdus.Count; i++)
        {
            var entry = Table.First(t => t.Opcode == pdus[i].Opcode);
            if (entry.Response is not { } expected) continue;
            int j = i + 1;
            while (j < pdus.Count && (pdus[j].Sent || !IsResponse(pdus[j].Opcode)))
            {
                Assert.False(pdus[j].Sent && Table.First(t => t.Opcode == pdus[j].Opcode).Response is not null,
                    $"{entry.Spec} (PDU {i}) was still outstanding when the client sent 0x{pdus[j].Opcode:X2} (PDU {j})\n{Context()}");
                j++;
            }
            Assert.True(j < pdus.Count, $"{entry.Spec} (PDU {i}) got no answer\n{Context()}");
            var answer = pdus[j];
            if (answer.Opcode == expected) answered.Add(entry.Opcode);
            else Assert.True(answer.Opcode == 0x01 && answer.RequestInError == entry.Opcode,
                $"{entry.Spec} (PDU {i}) was answered by 0x{answer.Opcode:X2} {answer.Name} (request in error 0x{answer.RequestInError:X2})\n{Context()}");
        }
        var unanswered = Table.Where(t => t.Response is not null && !answered.Contains(t.Opcode)).Select(t => t.Spec).ToList();
        Assert.True(unanswered.Count == 0, $"never answered with their own response: {string.Join(", ", unanswered)}\n{Context()}");

        // Each indication is confirmed by the client before the next indication.
        int indications = 0, confirmations = 0;
        foreach (var p in pdus)
        {
            if (p.Opcode == 0x1D) { Assert.Equal(indications, confirmations); indications++; }
            if (p.Opcode == 0x1E) { confirmations++; Assert.Equal(indications, confirmations); }
        }
        Assert.Equal(indications, confirmations);

        // The errors the test provoked, plus Attribute Not Found ending each discovery.
        var errors = pdus.Where(p => p.Opcode == 0x01).Select(p => p.ErrorCode).ToHashSet();
        foreach (byte code in new byte[] { 0x01, 0x02, 0x03, 0x07, 0x0A })
            Assert.True(errors.Contains(code), $"btmon shows no Error Response with error 0x{code:X2} (saw {string.Join(", ", errors.Select(e => $"0x{e:X2}"))})");

        Report("btmon saw: " + string.Join(", ", Table.Select(t => $"{t.Btmon} (0x{t.Opcode:X2}) x{pdus.Count(p => p.Opcode == t.Opcode)}")) +
            "; error codes " + string.Join(", ", errors.Order().Select(e => $"0x{e:X2}")));
    }

    private static bool IsResponse(byte opcode) => opcode == 0x01 || Table.Any(t => t.Response == opcode);

    private static async Task<(AttOpcode, ushort, AttErrorCode)> ErrorOf(Task task)
    {
        var e = await Assert.ThrowsAsync<AttErrorResponseException>(() => task.WaitAsync(Bound, Ct));
        return (e.Response!.RequestOpcodeInError, e.Response.AttributeHandleInError, e.Response.ErrorCode);
    }

    private static void Lap(List<string> timings, Stopwatch sw, string what)
    {
        timings.Add(string.Create(CultureInfo.InvariantCulture, $"{what} {sw.Elapsed.TotalMilliseconds:F0} ms"));
        sw.Restart();
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        Console.WriteLine("@@GATTO2O " + line);
    }
}
