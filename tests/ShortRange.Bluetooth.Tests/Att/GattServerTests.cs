using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>
/// Our GATT server answering a scripted client in raw PDUs at ATT_MTU 23. The request and response octets are laid out
/// from the PDU tables of Core 5.4 Vol 3 Part F §3.4 and the declarations of Part G §3.
/// Database: 1 Battery service (0x180F) | 2 declaration | 3 Battery Level (read, notify, indicate) = 0x5A | 4 CCCD |
/// 5 128-bit service | 6 declaration | 7 value (read/write) "hi" | 8 User Description "rw".
/// </summary>
public class GattServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Guid Custom = Guid.Parse("5352a000-0000-4000-8000-00805f9b34fb");
    private static readonly Guid CustomRw = Guid.Parse("5352a001-0000-4000-8000-00805f9b34fb");

    private static (GattServerClient, ScriptedPeer, GattLocalCharacteristic, GattLocalCharacteristic) Start()
    {
        var db = new GattDatabase();
        var level = db.AddService(BluetoothUuid.FromShort(0x180F)).AddCharacteristic(BluetoothUuid.FromShort(0x2A19),
            GattCharacteristicProperties.Read | GattCharacteristicProperties.Notify | GattCharacteristicProperties.Indicate, GattPermissions.Read, new byte[] { 0x5A });
        var rw = db.AddService(Custom).AddCharacteristic(CustomRw, GattCharacteristicProperties.Read | GattCharacteristicProperties.Write,
            GattPermissions.ReadWrite, "hi"u8.ToArray(), onWrite: (_, v, _) => v.Span.SequenceEqual(new byte[] { 0xEE })
                ? throw new GattErrorException((AttErrorCode)0x80) : ValueTask.CompletedTask);
        rw.AddDescriptor(BluetoothUuid.FromShort(0x2901), GattPermissions.Read, "rw"u8.ToArray());
        var peer = new ScriptedPeer();
        var client = new GattServerClient(db, new BluetoothDeviceAddress(1, BluetoothAddressType.LePublic), () => false, NullLogger.Instance);
        client.Bearer = new AttBearer(peer, client);
        client.Bearer.Start();
        return (client, peer, level, rw);
    }

    [Fact]
    public async Task Read_multiple_variable_answers_length_value_tuples()
    {
        var (_, peer, _, _) = Start();
        peer.Send(0x20, 0x03, 0x00, 0x07, 0x00);
        Assert.Equal([0x21, 0x01, 0x00, 0x5A, 0x02, 0x00, 0x68, 0x69], await peer.NextAsync());
    }

    [Fact]
    public async Task Primary_services_by_group_type_one_uuid_size_per_response()
    {
        var (_, peer, _, _) = Start();
        peer.Send(0x10, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28);
        Assert.Equal([0x11, 0x06, 0x01, 0x00, 0x04, 0x00, 0x0F, 0x18], await peer.NextAsync());
        peer.Send(0x10, 0x05, 0x00, 0xFF, 0xFF, 0x00, 0x28);
        Assert.Equal([0x11, 0x14, 0x05, 0x00, 0x08, 0x00, 0xFB, 0x34, 0x9B, 0x5F, 0x80, 0x00, 0x00, 0x80, 0x00, 0x40, 0x00, 0x00, 0x00, 0xA0, 0x52, 0x53],
            await peer.NextAsync());
        peer.Send(0x10, 0x09, 0x00, 0xFF, 0xFF, 0x00, 0x28);
        Assert.Equal([0x01, 0x10, 0x09, 0x00, 0x0A], await peer.NextAsync());          // Attribute Not Found
        peer.Send(0x10, 0x01, 0x00, 0xFF, 0xFF, 0x03, 0x28);
        Assert.Equal([0x01, 0x10, 0x01, 0x00, 0x10], await peer.NextAsync());          // Unsupported Group Type
    }

    [Fact]
    public async Task Find_by_type_value_characteristics_and_descriptors()
    {
        var (_, peer, _, _) = Start();
        peer.Send(0x06, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28, 0x0F, 0x18);
        Assert.Equal([0x07, 0x01, 0x00, 0x04, 0x00], await peer.NextAsync());
        peer.Send(0x08, 0x01, 0x00, 0x04, 0x00, 0x03, 0x28);
        Assert.Equal([0x09, 0x07, 0x02, 0x00, 0x32, 0x03, 0x00, 0x19, 0x2A], await peer.NextAsync());
        peer.Send(0x04, 0x03, 0x00, 0x04, 0x00);
        Assert.Equal([0x05, 0x01, 0x03, 0x00, 0x19, 0x2A, 0x04, 0x00, 0x02, 0x29], await peer.NextAsync());
        peer.Send(0x04, 0x00, 0x00, 0x04, 0x00);
        Assert.Equal([0x01, 0x04, 0x00, 0x00, 0x01], await peer.NextAsync());          // handle 0: Invalid Handle
    }

    [Fact]
    public async Task Reads_writes_and_their_errors()
    {
        var (_, peer, _, rw) = Start();
        peer.Send(0x0A, 0x03, 0x00);
        Assert.Equal([0x0B, 0x5A], await peer.NextAsync());
        peer.Send(0x0C, 0x07, 0x00, 0x01, 0x00);
        Assert.Equal([0x0D, (byte)'i'], await peer.NextAsync());
        peer.Send(0x0C, 0x07, 0x00, 0x03, 0x00);
        Assert.Equal([0x01, 0x0C, 0x07, 0x00, 0x07], await peer.NextAsync());          // Invalid Offset
        peer.Send(0x12, 0x03, 0x00, 0x01);
        Assert.Equal([0x01, 0x12, 0x03, 0x00, 0x03], await peer.NextAsync());          // Write Not Permitted
        peer.Send(0x0A, 0x99, 0x00);
        Assert.Equal([0x01, 0x0A, 0x99, 0x00, 0x01], await peer.NextAsync());          // Invalid Handle
        peer.Send(0x12, 0x07, 0x00, 0xEE);
        Assert.Equal([0x01, 0x12, 0x07, 0x00, 0x80], await peer.NextAsync());          // the handler's application error
        peer.Send(0x12, 0x07, 0x00, 0x41, 0x42);
        Assert.Equal([0x13], await peer.NextAsync());
        Assert.Equal("AB"u8.ToArray(), rw.Value.ToArray());
        peer.Send(0x08, 0x05, 0x00, 0x08, 0x00, 0x01, 0x29);                            // read by type: User Description
        Assert.Equal([0x09, 0x04, 0x08, 0x00, (byte)'r', (byte)'w'], await peer.NextAsync());
    }

    [Fact]
    public async Task Prepared_writes_apply_on_execute()
    {
        var (_, peer, _, rw) = Start();
        peer.Send(0x16, 0x07, 0x00, 0x00, 0x00, 0x31, 0x32);
        Assert.Equal([0x17, 0x07, 0x00, 0x00, 0x00, 0x31, 0x32], await peer.NextAsync());
        peer.Send(0x16, 0x07, 0x00, 0x02, 0x00, 0x33);
        Assert.Equal([0x17, 0x07, 0x00, 0x02, 0x00, 0x33], await peer.NextAsync());
        Assert.Equal("hi"u8.ToArray(), rw.Value.ToArray());
        peer.Send(0x18, 0x01);
        Assert.Equal([0x19], await peer.NextAsync());
        Assert.Equal("123"u8.ToArray(), rw.Value.ToArray());
    }

    [Fact]
    public async Task Cccd_is_per_client_and_gates_notifications_and_indications()
    {
        var (client, peer, level, _) = Start();
        peer.Send(0x12, 0x04, 0x00, 0x01, 0x00);
        Assert.Equal([0x13], await peer.NextAsync());
        Assert.Equal(1, client.GetClientConfiguration(level));
        peer.Send(0x0A, 0x04, 0x00);
        Assert.Equal([0x0B, 0x01, 0x00], await peer.NextAsync());
        await client.Bearer.NotifyAsync(level.ValueHandle, new byte[] { 0x5B }, Ct);
        Assert.Equal([0x1B, 0x03, 0x00, 0x5B], await peer.NextAsync());

        var indicate = client.Bearer.IndicateAsync(level.ValueHandle, new byte[] { 0x5C }, Ct);
        Assert.Equal([0x1D, 0x03, 0x00, 0x5C], await peer.NextAsync());
        Assert.False(indicate.IsCompleted);
        peer.Send(0x1E);                                                                  // ATT_HANDLE_VALUE_CFM
        await indicate.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        peer.Send(0x12, 0x04, 0x00, 0x01);
        Assert.Equal([0x01, 0x12, 0x04, 0x00, 0x0D], await peer.NextAsync());          // CCCD is 2 octets
        peer.Send(0x12, 0x04, 0x00, 0x04, 0x00);
        Assert.Equal([0x01, 0x12, 0x04, 0x00, 0xFD], await peer.NextAsync());          // CCCD Improperly Configured
    }

    [Fact]
    public async Task Hostile_requests_get_error_responses_and_the_bearer_stays_up()
    {
        var (client, peer, _, _) = Start();
        peer.Send(0x08, 0x05, 0x00, 0x01, 0x00, 0x03, 0x28);                            // reversed range
        Assert.Equal([0x01, 0x08, 0x05, 0x00, 0x01], await peer.NextAsync());
        peer.Send(0x0A, 0x00, 0x00);                                                    // handle 0x0000
        Assert.Equal([0x01, 0x0A, 0x00, 0x00, 0x01], await peer.NextAsync());
        peer.Send(0x0A, 0x03);                                                          // truncated read
        Assert.Equal([0x01, 0x0A, 0x00, 0x00, 0x04], await peer.NextAsync());          // Invalid PDU
        peer.Send(0x3F, 0x01, 0x02);                                                    // unknown request opcode
        Assert.Equal([0x01, 0x3F, 0x00, 0x00, 0x06], await peer.NextAsync());          // Request Not Supported
        peer.Send(0x7F, 0x01);                                                          // unknown command: ignored
        peer.Send(0x0C, 0x03, 0x00, 0xFF, 0xFF);                                        // blob offset past the end
        Assert.Equal([0x01, 0x0C, 0x03, 0x00, 0x07], await peer.NextAsync());
        peer.Send(0x18, 0x01);                                                          // execute with nothing prepared
        Assert.Equal([0x19], await peer.NextAsync());
        Assert.False(client.Bearer.Closed.IsCompleted);
    }

    [Fact]
    public async Task An_unconfirmed_indication_times_out_and_ends_the_bearer()
    {
        var peer = new ScriptedPeer();
        var bearer = new AttBearer(peer, transactionTimeout: TimeSpan.FromMilliseconds(200));
        bearer.Start();
        var indicate = bearer.IndicateAsync(3, new byte[] { 1 }, Ct);
        await peer.NextAsync();
        await Assert.ThrowsAsync<AttTimeoutException>(() => indicate);
        Assert.IsType<AttTimeoutException>(await bearer.Closed.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }
}
