using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>
/// The remaining GATT client procedures (Core 5.4 Vol 3 Part G §4.5.1, §4.8.2, §4.8.4, §4.8.5, §4.9.5, §7.1) and the
/// security retry (Part C §10.3.2) against a scripted server. PDU bytes follow Part F §3.4 (opcode table 3.37).
/// </summary>
public class GattClientProcedureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 12345678-1234-5678-1234-56789abcdef0 in ATT's little-endian order (Part F §3.2.1).
    private static readonly byte[] Uuid128Le = [0xF0, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12];

    [Fact]
    public async Task Find_included_services_reads_the_uuid_of_a_128_bit_include()
    {
        var (gatt, peer) = Start();
        var found = gatt.FindIncludedServicesAsync(new GattService(BluetoothUuid.FromShort(0x1800), 0x0010, 0x0020), Ct);
        Assert.Equal([0x08, 0x10, 0x00, 0x20, 0x00, 0x02, 0x28], await peer.NextAsync());   // Read By Type «Include»
        peer.Send(0x09, 0x08, 0x11, 0x00, 0x30, 0x00, 0x35, 0x00, 0x0F, 0x18);               // 16-bit: handles + UUID
        Assert.Equal([0x08, 0x12, 0x00, 0x20, 0x00, 0x02, 0x28], await peer.NextAsync());
        peer.Send(0x09, 0x06, 0x12, 0x00, 0x40, 0x00, 0x45, 0x00);                           // 128-bit: handles only
        Assert.Equal([0x0A, 0x40, 0x00], await peer.NextAsync());                            // read the declaration
        peer.Send([0x0B, .. Uuid128Le]);
        Assert.Equal([0x08, 0x13, 0x00, 0x20, 0x00, 0x02, 0x28], await peer.NextAsync());
        peer.Send(0x01, 0x08, 0x13, 0x00, 0x0A);
        Assert.Equal([
            new GattIncludedService(0x0011, 0x0030, 0x0035, BluetoothUuid.FromShort(0x180F)),
            new GattIncludedService(0x0012, 0x0040, 0x0045, Guid.Parse("12345678-1234-5678-1234-56789abcdef0")),
        ], await found);
    }

    [Fact]
    public async Task Include_with_a_value_of_the_wrong_size_is_a_format_error()
    {
        var (gatt, peer) = Start();
        var found = gatt.FindIncludedServicesAsync(new GattService(BluetoothUuid.FromShort(0x1800), 1, 5), Ct);
        await peer.NextAsync();
        peer.Send(0x09, 0x07, 0x02, 0x00, 0x30, 0x00, 0x35, 0x00, 0x0F);
        await Assert.ThrowsAsync<AttFormatException>(() => found);
    }

    [Fact]
    public async Task Read_by_uuid_collects_every_match_until_attribute_not_found()
    {
        var (gatt, peer) = Start();
        var read = gatt.ReadByUuidAsync(BluetoothUuid.FromShort(0x2A19), cancellationToken: Ct);
        Assert.Equal([0x08, 0x01, 0x00, 0xFF, 0xFF, 0x19, 0x2A], await peer.NextAsync());
        peer.Send(0x09, 0x03, 0x03, 0x00, 0x64);
        Assert.Equal([0x08, 0x04, 0x00, 0xFF, 0xFF, 0x19, 0x2A], await peer.NextAsync());
        peer.Send(0x01, 0x08, 0x04, 0x00, 0x0A);
        var only = Assert.Single(await read);
        Assert.Equal(0x0003, only.Handle);
        Assert.Equal([0x64], only.Value.ToArray());
    }

    [Fact]
    public async Task Read_by_uuid_surfaces_a_permission_error()
    {
        var (gatt, peer) = Start();
        var read = gatt.ReadByUuidAsync(BluetoothUuid.FromShort(0x2A19), cancellationToken: Ct);
        await peer.NextAsync();
        peer.Send(0x01, 0x08, 0x03, 0x00, 0x02);   // Read Not Permitted
        Assert.Equal(AttErrorCode.ReadNotPermitted, (await Assert.ThrowsAsync<AttErrorResponseException>(() => read)).ErrorCode);
    }

    [Fact]
    public async Task Read_multiple_sends_the_handle_set_and_returns_the_concatenation()
    {
        var (gatt, peer) = Start();
        var read = gatt.ReadMultipleAsync([0x0003, 0x0007], Ct);
        Assert.Equal([0x0E, 0x03, 0x00, 0x07, 0x00], await peer.NextAsync());
        peer.Send(0x0F, 0x64, 0x68, 0x69);
        Assert.Equal([0x64, 0x68, 0x69], await read);
        await Assert.ThrowsAsync<ArgumentException>(() => gatt.ReadMultipleAsync([0x0003], Ct));
    }

    [Fact]
    public async Task Read_multiple_variable_splits_the_length_value_tuples()
    {
        var (gatt, peer) = Start();
        var read = gatt.ReadMultipleVariableAsync([0x0003, 0x0007], Ct);
        Assert.Equal([0x20, 0x03, 0x00, 0x07, 0x00], await peer.NextAsync());
        peer.Send(0x21, 0x01, 0x00, 0x64, 0x05, 0x00, 0x68, 0x65, 0x6C, 0x6C, 0x6F);
        var values = await read;
        Assert.Equal(2, values.Count);
        Assert.Equal([0x64], values[0]);
        Assert.Equal("hello"u8.ToArray(), values[1]);
    }

    [Fact]
    public async Task Reliable_write_queues_every_value_then_executes()
    {
        var (gatt, peer) = Start();
        var write = gatt.ReliableWriteAsync([(0x0003, new byte[] { 0x01, 0x02 }), (0x0007, new byte[] { 0x03 })], Ct);
        Assert.Equal([0x16, 0x03, 0x00, 0x00, 0x00, 0x01, 0x02], await peer.NextAsync());
        peer.Send(0x17, 0x03, 0x00, 0x00, 0x00, 0x01, 0x02);
        Assert.Equal([0x16, 0x07, 0x00, 0x00, 0x00, 0x03], await peer.NextAsync());
        peer.Send(0x17, 0x07, 0x00, 0x00, 0x00, 0x03);
        Assert.Equal([0x18, 0x01], await peer.NextAsync());
        peer.Send(0x19);
        await write;
    }

    [Fact]
    public async Task Reliable_write_cancels_the_queue_when_the_echo_differs()
    {
        var (gatt, peer) = Start();
        var write = gatt.ReliableWriteAsync([(0x0003, new byte[] { 0x01, 0x02 }), (0x0007, new byte[] { 0x03 })], Ct);
        await peer.NextAsync();
        peer.Send(0x17, 0x03, 0x00, 0x00, 0x00, 0x01, 0xFF);   // corrupted part
        Assert.Equal([0x18, 0x00], await peer.NextAsync());    // Execute Write, Flags 0x00: cancel
        peer.Send(0x19);
        var e = await Assert.ThrowsAsync<GattReliableWriteException>(() => write);
        Assert.Equal((0x0003, 0), (e.Handle, e.Offset));
    }

    [Fact]
    public async Task Reliable_write_cancels_what_was_queued_when_a_part_is_refused()
    {
        var (gatt, peer) = Start();
        var write = gatt.ReliableWriteAsync([(0x0003, new byte[] { 0x01 }), (0x0007, new byte[] { 0x03 })], Ct);
        await peer.NextAsync();
        peer.Send(0x17, 0x03, 0x00, 0x00, 0x00, 0x01);
        await peer.NextAsync();
        peer.Send(0x01, 0x16, 0x07, 0x00, 0x09);                // Prepare Queue Full
        Assert.Equal([0x18, 0x00], await peer.NextAsync());
        peer.Send(0x19);
        Assert.Equal(AttErrorCode.PrepareQueueFull, (await Assert.ThrowsAsync<AttErrorResponseException>(() => write)).ErrorCode);
    }

    [Fact]
    public async Task Service_changed_indication_drops_the_cached_services_and_emits_the_range()
    {
        var (gatt, peer) = Start();
        var first = gatt.GetServicesAsync(Ct);
        Assert.Equal([0x10, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28], await peer.NextAsync());
        peer.Send(0x11, 0x06, 0x01, 0x00, 0x05, 0x00, 0x01, 0x18);
        Assert.Equal([0x10, 0x06, 0x00, 0xFF, 0xFF, 0x00, 0x28], await peer.NextAsync());
        peer.Send(0x01, 0x10, 0x06, 0x00, 0x0A);
        var services = await first;
        Assert.Same(services, await gatt.GetServicesAsync(Ct));   // cached: no request
        Assert.False(peer.HasNext);

        var ranges = new List<GattHandleRange>();
        var got = new TaskCompletionSource();
        using var sub = gatt.ServiceChanged.Subscribe(r => { lock (ranges) ranges.Add(r); got.TrySetResult(); });
        Assert.Equal([0x06, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28, 0x01, 0x18], await peer.NextAsync());   // Find By Type Value «GATT»
        peer.Send(0x07, 0x01, 0x00, 0x05, 0x00);
        Assert.Equal([0x06, 0x06, 0x00, 0xFF, 0xFF, 0x00, 0x28, 0x01, 0x18], await peer.NextAsync());
        peer.Send(0x01, 0x06, 0x06, 0x00, 0x0A);
        Assert.Equal([0x08, 0x01, 0x00, 0x05, 0x00, 0x03, 0x28], await peer.NextAsync());
        peer.Send(0x09, 0x07, 0x02, 0x00, 0x20, 0x03, 0x00, 0x05, 0x2A);   // Service Changed: indicate, value 0x0003
        Assert.Equal([0x08, 0x03, 0x00, 0x05, 0x00, 0x03, 0x28], await peer.NextAsync());
        peer.Send(0x01, 0x08, 0x03, 0x00, 0x0A);
        Assert.Equal([0x04, 0x04, 0x00, 0x05, 0x00], await peer.NextAsync());
        peer.Send(0x05, 0x01, 0x04, 0x00, 0x02, 0x29);
        Assert.Equal([0x04, 0x05, 0x00, 0x05, 0x00], await peer.NextAsync());
        peer.Send(0x01, 0x04, 0x05, 0x00, 0x0A);
        Assert.Equal([0x12, 0x04, 0x00, 0x02, 0x00], await peer.NextAsync());   // CCCD ← indications
        peer.Send(0x13);

        peer.Send(0x1D, 0x03, 0x00, 0x01, 0x00, 0xFF, 0xFF);
        Assert.Equal([0x1E], await peer.NextAsync());                           // confirmed
        await got.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        lock (ranges) Assert.Equal([new GattHandleRange(0x0001, 0xFFFF)], ranges);

        var again = gatt.GetServicesAsync(Ct);                                  // rediscovers
        Assert.Equal([0x10, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28], await peer.NextAsync());
        peer.Send(0x01, 0x10, 0x01, 0x00, 0x0A);
        Assert.Empty(await again);
    }

    [Fact]
    public async Task Service_changed_completes_when_the_server_has_no_gatt_service()
    {
        var (gatt, peer) = Start();
        var done = gatt.ServiceChanged.ToList().ToTask(Ct);
        await peer.NextAsync();
        peer.Send(0x01, 0x06, 0x01, 0x00, 0x0A);
        Assert.Empty(await done.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Theory]
    [InlineData(0x05)]   // Insufficient Authentication
    [InlineData(0x0F)]   // Insufficient Encryption
    public async Task Insufficient_security_raises_it_and_retries_once(byte code)
    {
        var scripted = new ScriptedPeer();
        var secure = new SecureScriptedPeer(scripted, canRaise: true);
        var gatt = Start(secure);
        var read = gatt.ReadAsync(0x0003, Ct);
        Assert.Equal([0x0A, 0x03, 0x00], await scripted.NextAsync());
        scripted.Send(0x01, 0x0A, 0x03, 0x00, code);
        Assert.Equal([0x0A, 0x03, 0x00], await scripted.NextAsync());          // the same request again
        scripted.Send(0x0B, 0x2A);
        Assert.Equal([0x2A], await read);
        Assert.Equal([(AttErrorCode)code], secure.Raised);
    }

    [Fact]
    public async Task The_retry_waits_until_the_link_is_encrypted()
    {
        // The kernel's LE ATT socket refuses sends (ENOTCONN) from BT_SECURITY until encryption completes: a retry sent
        // as soon as the option was set ended the bearer instead of reading the value.
        var scripted = new ScriptedPeer();
        var secure = new SecureScriptedPeer(scripted, canRaise: true, encryptsLater: true);
        var gatt = Start(secure);
        var read = gatt.ReadAsync(0x0003, Ct);
        Assert.Equal([0x0A, 0x03, 0x00], await scripted.NextAsync());
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x0F);
        await secure.RaiseAsked.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.False(read.IsCompleted);
        secure.FinishEncryption();
        Assert.Equal([0x0A, 0x03, 0x00], await scripted.NextAsync());
        scripted.Send(0x0B, 0x2A);
        Assert.Equal([0x2A], await read.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal(0, secure.SendsRefused);
        Assert.Equal([AttErrorCode.InsufficientEncryption], secure.Raised);
    }

    [Fact]
    public async Task A_link_that_never_encrypts_surfaces_the_peers_error_after_the_transaction_timeout()
    {
        var scripted = new ScriptedPeer();
        var secure = new SecureScriptedPeer(scripted, canRaise: true, encryptsLater: true);
        var bearer = new AttBearer(secure, transactionTimeout: TimeSpan.FromMilliseconds(300));
        var gatt = new GattClient(bearer);
        bearer.Start();
        var read = gatt.ReadAsync(0x0003, Ct);
        await scripted.NextAsync();
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x0F);
        var e = await Assert.ThrowsAsync<AttErrorResponseException>(() => read.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal(AttErrorCode.InsufficientEncryption, e.ErrorCode);
        Assert.Equal(0, secure.SendsRefused);
        Assert.False(bearer.Closed.IsCompleted);
    }

    [Fact]
    public async Task A_second_refusal_is_not_retried_again()
    {
        var scripted = new ScriptedPeer();
        var secure = new SecureScriptedPeer(scripted, canRaise: true);
        var gatt = Start(secure);
        var read = gatt.ReadAsync(0x0003, Ct);
        await scripted.NextAsync();
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x0F);
        await scripted.NextAsync();
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x0F);
        Assert.Equal(AttErrorCode.InsufficientEncryption, (await Assert.ThrowsAsync<AttErrorResponseException>(() => read)).ErrorCode);
        Assert.Single(secure.Raised);
        Assert.False(scripted.HasNext);
    }

    [Fact]
    public async Task No_retry_when_the_link_cannot_be_raised_or_the_error_is_another()
    {
        var scripted = new ScriptedPeer();
        var secure = new SecureScriptedPeer(scripted, canRaise: false);
        var gatt = Start(secure);
        var read = gatt.ReadAsync(0x0003, Ct);
        await scripted.NextAsync();
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x05);
        Assert.Equal(AttErrorCode.InsufficientAuthentication, (await Assert.ThrowsAsync<AttErrorResponseException>(() => read)).ErrorCode);
        var other = gatt.ReadAsync(0x0003, Ct);
        await scripted.NextAsync();
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x08);                             // Insufficient Authorization: not ours to fix
        Assert.Equal(AttErrorCode.InsufficientAuthorization, (await Assert.ThrowsAsync<AttErrorResponseException>(() => other)).ErrorCode);
        Assert.Equal([AttErrorCode.InsufficientAuthentication], secure.Raised);
    }

    [Fact]
    public async Task A_kernel_refusing_bt_security_surfaces_the_peers_error_without_a_retry()
    {
        var scripted = new ScriptedPeer();
        var secure = new SecureScriptedPeer(scripted, canRaise: true, kernelRefuses: true);
        var gatt = Start(secure);
        var read = gatt.ReadAsync(0x0003, Ct);
        await scripted.NextAsync();
        scripted.Send(0x01, 0x0A, 0x03, 0x00, 0x0F);
        Assert.Equal(AttErrorCode.InsufficientEncryption, (await Assert.ThrowsAsync<AttErrorResponseException>(() => read)).ErrorCode);
        Assert.Single(secure.Raised);
        Assert.False(scripted.HasNext);
    }

    [Fact]
    public async Task Connect_from_discovery_needs_an_le_address_and_an_hci_adapter()
    {
        var t = DateTimeOffset.UtcNow;
        var brEdr = new DiscoveredDevice(new BluetoothDeviceAddress(0x001122334455, BluetoothAddressType.BrEdr), "hci0", null, null, null, t, t, null);
        await Assert.ThrowsAsync<ArgumentException>(() => brEdr.ConnectGattAsync(cancellationToken: Ct));
        var onWpan = new DiscoveredDevice(new BluetoothDeviceAddress(0x001122334455, BluetoothAddressType.LePublic), "wpan0", null, null, null, t, t, null);
        Assert.Contains("wpan0", (await Assert.ThrowsAsync<ArgumentException>(() => onWpan.ConnectGattAsync(cancellationToken: Ct))).Message, StringComparison.Ordinal);
    }

    private static (GattClient, ScriptedPeer) Start()
    {
        var peer = new ScriptedPeer();
        return (Start(peer), peer);
    }

    private static GattClient Start(IAttTransport transport)
    {
        var bearer = new AttBearer(transport);
        bearer.Start();
        return new GattClient(bearer);
    }
}
