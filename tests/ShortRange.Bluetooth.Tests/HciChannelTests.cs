using ShortRange.Bluetooth.Hci;

namespace ShortRange.Bluetooth.Tests;

public class HciChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Read_bd_addr_sends_the_command_and_decodes_its_complete()
    {
        var t = new HciFakeTransport
        {
            Responder = p => [
                HciFakeTransport.Complete(HciOpcode.HCI_Reset, 1, 0x00), // another user's command: not ours
                HciFakeTransport.Complete(p.Opcode, 1, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA, 0x00)],
        };
        await using var c = new HciChannel(t);
        Assert.Equal(0x00AA01000000UL, await c.ReadBdAddrAsync(Ct));
        var sent = await t.Sent.Reader.ReadAsync(Ct);
        Assert.Equal(HciOpcode.HCI_Read_BD_ADDR, sent.Opcode);
        Assert.Equal(0, sent.Parameters.Length);
        Assert.Equal(0, c.DroppedPackets);
    }

    [Fact]
    public async Task Failure_status_in_command_complete_is_a_typed_exception_with_the_status_name()
    {
        var t = new HciFakeTransport { Responder = p => [HciFakeTransport.Complete(p.Opcode, 1, (byte)HciStatus.CommandDisallowed)] };
        await using var c = new HciChannel(t);
        var ex = await Assert.ThrowsAsync<HciCommandException>(() => c.SendCommandAsync(HciOpcode.HCI_LE_Set_Scan_Enable, new byte[] { 0, 0 }, Ct));
        Assert.Equal(HciStatus.CommandDisallowed, ex.Status);
        Assert.Equal("Command Disallowed", ex.StatusName);
        Assert.Equal(HciOpcode.HCI_LE_Set_Scan_Enable, ex.Opcode);
        Assert.Contains("HCI_LE_Set_Scan_Enable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("hci9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_status_fails_typed_or_reports_pending()
    {
        var t = new HciFakeTransport
        {
            Responder = p => [HciFakeTransport.Status(p.Opcode, p.Opcode == HciOpcode.HCI_Inquiry ? HciStatus.Success : HciStatus.UnknownHciCommand)],
        };
        await using var c = new HciChannel(t);
        var r = await c.SendCommandAsync(HciOpcode.HCI_Inquiry, new byte[] { 0x33, 0x8B, 0x9E, 0x02, 0x00 }, Ct);
        Assert.True(r.Pending);
        var ex = await Assert.ThrowsAsync<HciCommandException>(() => c.SendCommandAsync(0x13FF, ReadOnlyMemory<byte>.Empty, Ct));
        Assert.Equal(HciStatus.UnknownHciCommand, ex.Status);
        Assert.Equal("Unknown HCI Command", ex.StatusName);
    }

    [Fact]
    public async Task No_answer_times_out_typed_and_the_next_command_still_runs()
    {
        var t = new HciFakeTransport();
        await using var c = new HciChannel(t, commandTimeout: TimeSpan.FromMilliseconds(150));
        var ex = await Assert.ThrowsAsync<HciTimeoutException>(() => c.ReadBdAddrAsync(Ct));
        Assert.Equal(HciOpcode.HCI_Read_BD_ADDR, ex.Opcode);
        // The lost answer's credit was given back (as hci_cmd_timeout does): the next command is sent.
        t.Responder = p => [HciFakeTransport.Complete(p.Opcode, 1, 0x00, 9, 0, 0, 9, 0xF1, 0x05, 0, 0)];
        var v = await c.ReadLocalVersionAsync(Ct);
        Assert.Equal(1521, v.CompanyIdentifier);
    }

    [Fact]
    public async Task Commands_wait_while_the_controller_grants_no_credits()
    {
        var t = new HciFakeTransport { Responder = p => [HciFakeTransport.Complete(p.Opcode, 0, 0x00)] }; // Num_HCI_Command_Packets = 0
        await using var c = new HciChannel(t);
        await c.SendCommandAsync(HciOpcode.HCI_Reset, ReadOnlyMemory<byte>.Empty, Ct);
        Assert.Equal(HciOpcode.HCI_Reset, (await t.Sent.Reader.ReadAsync(Ct)).Opcode);
        t.Responder = p => [HciFakeTransport.Complete(p.Opcode, 1, 0x00)];
        var second = c.SendCommandAsync(HciOpcode.HCI_Read_Scan_Enable, ReadOnlyMemory<byte>.Empty, Ct);
        await Task.Delay(200, Ct);
        Assert.False(t.Sent.Reader.TryRead(out _)); // held back: no credit
        Assert.False(second.IsCompleted);
        t.Inject(HciFakeTransport.Complete(HciOpcode.HCI_NOP, 1)); // §7.7.14: a NOP Command Complete only grants credits
        await second.WaitAsync(Wait, Ct);
        Assert.Equal(HciOpcode.HCI_Read_Scan_Enable, (await t.Sent.Reader.ReadAsync(Ct)).Opcode);
    }

    [Fact]
    public async Task Malformed_packets_are_counted_and_the_loop_keeps_running()
    {
        var t = new HciFakeTransport();
        await using var c = new HciChannel(t);
        var seen = new List<HciEventPacket>();
        using var sub = c.Events(HciFilter.AllEvents).Subscribe(e => { lock (seen) seen.Add(e); });
        t.Inject([0x04]);                                             // indicator only
        t.Inject([0x04, 0x0E, 0x05, 0x01]);                           // length says 5, 1 present
        t.Inject([0x04, 0x0E, 0x01, 0x01]);                           // Command Complete without opcode
        t.Inject([0x04, 0x3E]);                                       // header cut
        t.Inject([0x07, 0x00]);                                       // unknown indicator
        t.Inject([0x04, 0x0F, 0x03, 0x00, 0x01, 0x06]);               // Command Status one byte short
        t.Responder = p => [HciFakeTransport.Complete(p.Opcode, 1, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA, 0x00)];
        Assert.Equal(0x00AA01000000UL, await c.ReadBdAddrAsync(Ct));
        Assert.Equal(6, c.DroppedPackets);
        lock (seen) Assert.All(seen, e => Assert.Equal(HciEventCode.HCI_Command_Complete, e.Code));
    }

    [Fact]
    public async Task Event_subscriptions_filter_and_drive_the_kernel_filter()
    {
        var t = new HciFakeTransport();
        await using var c = new HciChannel(t);
        var baseFilter = t.LastFilter;
        Assert.True(baseFilter.Matches([0x04, 0x0E, 0x00]) && baseFilter.Matches([0x04, 0x0F, 0x00]));
        Assert.False(baseFilter.Matches([0x04, 0x22, 0x00]));

        var inquiry = new List<HciEventPacket>();
        var gotTwo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sub = c.Events(HciFilter.Events(HciEventCode.HCI_Inquiry_Result_with_RSSI, HciEventCode.HCI_Inquiry_Complete)).Subscribe(e =>
        {
            lock (inquiry) { inquiry.Add(e); if (inquiry.Count == 2) gotTwo.TrySetResult(); }
        });
        Assert.True(t.LastFilter.Matches([0x04, 0x22, 0x00]));        // kernel now passes Inquiry Result with RSSI
        Assert.True(t.LastFilter.Matches([0x04, 0x0E, 0x00]));        // … and still Command Complete
        t.Inject(HciFakeTransport.Complete(HciOpcode.HCI_Reset, 1, 0));
        t.Inject(Convert.FromHexString("04220F0101000101AA0000000000000000C4"));
        t.Inject(Convert.FromHexString("04050402000000"));
        t.Inject(Convert.FromHexString("04010100"));
        await gotTwo.Task.WaitAsync(Wait, Ct);
        lock (inquiry) Assert.Equal([HciEventCode.HCI_Inquiry_Result_with_RSSI, HciEventCode.HCI_Inquiry_Complete], inquiry.Select(e => e.Code));
        sub.Dispose();
        Assert.Equal(baseFilter, t.LastFilter);
    }

    [Fact]
    public async Task A_throwing_subscriber_does_not_stop_the_others()
    {
        var t = new HciFakeTransport();
        await using var c = new HciChannel(t);
        using var bad = c.Events(HciFilter.AllEvents).Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        var got = new TaskCompletionSource<HciEventPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var good = c.Events(HciFilter.AllEvents).Subscribe(e => { if (e.Code == HciEventCode.HCI_Inquiry_Complete) got.TrySetResult(e); });
        t.Inject(Convert.FromHexString("04010100"));
        t.Inject(Convert.FromHexString("04010100"));
        await got.Task.WaitAsync(Wait, Ct);
        t.Responder = p => [HciFakeTransport.Complete(p.Opcode, 1, 0x00)];
        await c.SendCommandAsync(HciOpcode.HCI_Reset, ReadOnlyMemory<byte>.Empty, Ct);
    }

    [Fact]
    public async Task Disposal_completes_subscribers_fails_pending_commands_and_closes_the_transport()
    {
        var t = new HciFakeTransport();
        var c = new HciChannel(t);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = c.Events(HciFilter.AllEvents).Subscribe(_ => { }, ex => completed.TrySetException(ex), () => completed.TrySetResult());
        var pending = c.ReadBdAddrAsync(Ct);
        await t.Sent.Reader.ReadAsync(Ct);
        await c.DisposeAsync();
        Assert.True(t.Disposed);
        await completed.Task.WaitAsync(Wait, Ct);
        await Assert.ThrowsAsync<BluetoothException>(() => pending);
        await Assert.ThrowsAsync<BluetoothException>(() => c.ReadBdAddrAsync(Ct));
    }

    [Fact]
    public async Task Kernel_closing_the_channel_errors_subscribers_once()
    {
        var t = new HciFakeTransport();
        await using var c = new HciChannel(t);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = c.Events(HciFilter.AllEvents).Subscribe(_ => { }, ex => failed.TrySetResult(ex));
        t.CloseFromKernel();
        var ex = await failed.Task.WaitAsync(Wait, Ct);
        Assert.IsType<BluetoothException>(ex);
        // A late subscriber learns the same reason at once.
        var late = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub2 = c.Events(HciFilter.AllEvents).Subscribe(_ => { }, e => late.TrySetResult(e));
        Assert.Same(ex, await late.Task.WaitAsync(Wait, Ct));
    }

    [Fact]
    public async Task Cancellation_before_the_answer_forgets_the_command()
    {
        var t = new HciFakeTransport();
        await using var c = new HciChannel(t);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = c.ReadBdAddrAsync(cts.Token);
        await t.Sent.Reader.ReadAsync(Ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        // The late answer for the cancelled command has no waiter; a new command gets its own answer. Subscribers see an
        // event after the channel matched it against waiters, so seeing it means the late answer found none.
        var lateSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = c.Events(HciFilter.AllEvents).Subscribe(_ => lateSeen.TrySetResult());
        t.Inject(HciFakeTransport.Complete(HciOpcode.HCI_Read_BD_ADDR, 1, 0x00, 1, 2, 3, 4, 5, 6));
        await lateSeen.Task.WaitAsync(Wait, Ct);
        t.Responder = p => [HciFakeTransport.Complete(p.Opcode, 1, 0x00, 0x00, 0x00, 0x00, 0x01, 0xAA, 0x00)];
        Assert.Equal(0x00AA01000000UL, await c.ReadBdAddrAsync(Ct));
    }
}
