using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Tests.Mgmt;

public class MgmtClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Command_complete_returns_parameters_for_matching_opcode_and_index()
    {
        var t = new FakeMgmtTransport
        {
            Responder = p => [
                FakeMgmtTransport.Complete(MgmtOpcode.MGMT_OP_READ_VERSION, 0, MgmtStatus.Success, 9, 9, 9), // other index: ignored
                FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 1, 22, 0)],
        };
        await using var c = new MgmtClient(t);
        var (v, r) = await c.ReadVersionAsync(Ct);
        Assert.Equal(1, v);
        Assert.Equal(22, r);
        Assert.Equal(1, c.DroppedPackets);
    }

    [Fact]
    public async Task Command_status_failure_raises_mgmt_exception_with_status()
    {
        var t = new FakeMgmtTransport { Responder = p => [FakeMgmtTransport.Status(p.Code, p.Index, MgmtStatus.InvalidIndex)] };
        await using var c = new MgmtClient(t);
        var ex = await Assert.ThrowsAsync<MgmtException>(() => c.SetPoweredAsync(7, true, Ct));
        Assert.Equal(MgmtStatus.InvalidIndex, ex.Status);
        Assert.Equal(7, ex.ControllerIndex);
        Assert.Contains("Invalid Index", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_answer_times_out_with_typed_exception()
    {
        await using var c = new MgmtClient(new FakeMgmtTransport(), commandTimeout: TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAsync<MgmtTimeoutException>(() => c.ReadIndexListAsync(Ct));
    }

    [Fact]
    public async Task Malformed_packets_are_counted_and_the_loop_keeps_running()
    {
        var t = new FakeMgmtTransport();
        await using var c = new MgmtClient(t);
        var got = new TaskCompletionSource<MgmtPacket>();
        using var sub = c.Events.Subscribe(p => got.TrySetResult(p));
        t.Inject(new byte[] { 0x01, 0x00 });                                   // short header
        t.Inject(new byte[] { 0x06, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01 });     // length lies
        t.Inject(new MgmtPacket(MgmtEventCode.MGMT_EV_CMD_COMPLETE, 0, new byte[] { 1 }).ToArray()); // truncated complete
        t.Inject(MgmtEventCode.MGMT_EV_INDEX_ADDED, 3);
        var ev = await got.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(MgmtEventCode.MGMT_EV_INDEX_ADDED, ev.Code);
        Assert.Equal(3, ev.Index);
        Assert.Equal(3, c.DroppedPackets);
    }

    [Fact]
    public async Task Channel_close_fails_pending_commands_and_errors_events()
    {
        var t = new FakeMgmtTransport();
        await using var c = new MgmtClient(t);
        var evError = new TaskCompletionSource<Exception>();
        using var sub = c.Events.Subscribe(_ => { }, ex => evError.TrySetResult(ex));
        var pending = c.ReadIndexListAsync(Ct);
        await t.Sent.Reader.ReadAsync(Ct);
        t.CloseFromKernel();
        await Assert.ThrowsAsync<BluetoothException>(() => pending);
        Assert.IsType<BluetoothException>(await evError.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        await Assert.ThrowsAsync<BluetoothException>(() => c.ReadIndexListAsync(Ct));
    }

    [Fact]
    public async Task Commands_are_sent_with_spec_layout()
    {
        var t = new FakeMgmtTransport { Responder = p => [FakeMgmtTransport.Complete(p.Code, p.Index, MgmtStatus.Success, 1)] };
        await using var c = new MgmtClient(t);
        await c.StartDiscoveryAsync(0, DiscoveryAddressTypes.All, Ct);
        var sent = await t.Sent.Reader.ReadAsync(Ct);
        Assert.Equal(new byte[] { 0x23, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07 }, sent.ToArray());
    }
}
