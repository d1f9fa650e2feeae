using CsCheck;
using ShortRange.Bluetooth.Hci;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile HCI raw-channel datagrams (a controller, or a peer's advertising/inquiry data relayed by it): the packet
/// decoders and every event-parameter decoder of <see cref="HciEvents"/> only throw <see cref="HciFormatException"/>,
/// and counts (Num_Responses, Num_Reports, Data_Length) never size an allocation beyond the bytes present.
/// </summary>
public class HciFuzzTests
{
    private static byte[] Event(byte code, params byte[] parameters) => new HciEventPacket(code, parameters).ToDatagram();

    private static byte[] LeMeta(byte subevent, params byte[] parameters) => Event(HciEventCode.HCI_LE_Meta, [subevent, .. parameters]);

    private static readonly byte[] Addr = [0x01, 0x55, 0x0F, 0xDC, 0x1B, 0x00];

    /// <summary>Events as btvirt/hci_vhci and real controllers send them (values from the lab's btmon captures).</summary>
    private static readonly byte[][] Seeds =
    [
        Event(HciEventCode.HCI_Command_Complete, [0x01, 0x09, 0x10, 0x00, .. Addr]),                         // Read_BD_ADDR
        Event(HciEventCode.HCI_Command_Complete, [0x01, 0x01, 0x10, 0x00, 0x0C, 0x00, 0x00, 0x0C, 0xF1, 0x05, 0x00, 0x00]), // Read_Local_Version
        Event(HciEventCode.HCI_Command_Status, [0x00, 0x01, 0x01, 0x04]),                                     // Inquiry: pending
        Event(HciEventCode.HCI_Inquiry_Complete, [0x00]),
        Event(HciEventCode.HCI_Inquiry_Result, [0x01, .. Addr, 0x01, 0x00, 0x00, 0x0C, 0x02, 0x5A, 0x34, 0x12]),
        Event(HciEventCode.HCI_Inquiry_Result_with_RSSI, [0x01, .. Addr, 0x01, 0x00, 0x0C, 0x02, 0x5A, 0x34, 0x12, 0xC4]),
        Event(HciEventCode.HCI_Extended_Inquiry_Result, [0x01, .. Addr, 0x01, 0x00, 0x0C, 0x02, 0x5A, 0x34, 0x12, 0xC4,
            .. new byte[] { 0x06, 0x09, (byte)'b', (byte)'t', (byte)'v', (byte)'r', (byte)'t', 0x02, 0x0A, 0x00 }, .. new byte[230]]),
        Event(HciEventCode.HCI_Connection_Complete, [0x00, 0x2A, 0x00, .. Addr, 0x01, 0x00]),
        Event(HciEventCode.HCI_Disconnection_Complete, [0x00, 0x2A, 0x00, 0x13]),
        LeMeta(HciEventCode.HCI_LE_Advertising_Report, [0x01, 0x00, 0x00, .. Addr, 0x0A,
            0x02, 0x01, 0x06, 0x06, 0x09, (byte)'l', (byte)'a', (byte)'b', (byte)'0', (byte)'1', 0xBA]),
        LeMeta(HciEventCode.HCI_LE_Advertising_Report, [0x02, 0x00, 0x01, .. Addr, 0x00, 0xB0, 0x04, 0x01, .. Addr, 0x03, 0x02, 0x0A, 0xF4, 0xA8]),
        new HciAclPacket(0x2A, HciAclPacketBoundary.FirstFlushable, HciAclBroadcast.PointToPoint,
            new byte[] { 0x04, 0x00, 0x01, 0x00, 0x0A, 0x01, 0x04, 0x00 }).ToDatagram(),
        new HciCommandPacket(0x0C03, ReadOnlyMemory<byte>.Empty).ToDatagram(),                                  // HCI_Reset
    ];

    private static readonly Gen<byte[]> Structured = Gen.OneOf(
        Gen.Select(Gen.Byte, Gen.Byte[0, 3], Gen.Byte.Array[6], Gen.Byte[0, 31], Gen.SByte, (t, at, a, n, rssi) => (t, at, a, n, rssi)).Array[0, 4]
            .Select(reports =>
            {
                var p = new List<byte> { (byte)reports.Length };
                foreach (var (t, at, a, n, rssi) in reports)
                {
                    p.Add(t); p.Add(at); p.AddRange(a); p.Add(n); p.AddRange(new byte[n]); p.Add((byte)rssi);
                }
                return LeMeta(HciEventCode.HCI_LE_Advertising_Report, [.. p]);
            }),
        Gen.Select(Gen.Byte[0, 3], Gen.Byte.Array[14 * 3], (n, body) => Event(HciEventCode.HCI_Inquiry_Result, [n, .. body.AsSpan(0, n * 14)])),
        Gen.Select(Gen.Byte[0, 3], Gen.Byte.Array[15 * 3], (n, body) => Event(HciEventCode.HCI_Inquiry_Result_with_RSSI, [n, .. body.AsSpan(0, n * 15)])),
        Gen.Select(Gen.Byte, Gen.Byte.Array[0, 40], (code, p) => Event(code, p)));

    private static void Dispatch(byte[] datagram)
    {
        _ = HciFilter.AllEvents.Matches(datagram);
        _ = new HciFilter(0xFFFF_FFFFu, ulong.MaxValue, 0x1009).Matches(datagram);
        if (datagram.Length == 0) throw new HciFormatException("empty datagram");
        var packet = datagram.AsSpan(1);
        switch (datagram[0])
        {
            case HciPacketType.HCI_COMMAND_PKT: _ = HciCommandPacket.Decode(packet); return;
            case HciPacketType.HCI_ACLDATA_PKT: _ = HciAclPacket.Decode(packet); return;
            case HciPacketType.HCI_EVENT_PKT: break;
            default: throw new HciFormatException("not an HCI packet indicator this SDK reads");
        }
        var ev = HciEventPacket.Decode(packet);
        var p = ev.Parameters.Span;
        switch (ev.Code)
        {
            case HciEventCode.HCI_Command_Complete:
                var cc = HciEvents.CommandComplete(p);
                if (cc.Opcode == 0x1009) _ = HciEvents.ReadBdAddrReturn(cc.ReturnParameters.Span);
                else if (cc.Opcode == 0x1001) _ = HciEvents.ReadLocalVersionReturn(cc.ReturnParameters.Span);
                break;
            case HciEventCode.HCI_Command_Status: _ = HciEvents.CommandStatus(p); break;
            case HciEventCode.HCI_Inquiry_Complete: _ = HciEvents.InquiryComplete(p); break;
            case HciEventCode.HCI_Inquiry_Result: _ = HciEvents.InquiryResult(p); break;
            case HciEventCode.HCI_Inquiry_Result_with_RSSI: _ = HciEvents.InquiryResultWithRssi(p); break;
            case HciEventCode.HCI_Extended_Inquiry_Result: _ = HciEvents.ExtendedInquiryResult(p); break;
            case HciEventCode.HCI_Connection_Complete: _ = HciEvents.ConnectionComplete(p); break;
            case HciEventCode.HCI_Disconnection_Complete: _ = HciEvents.DisconnectionComplete(p); break;
            case HciEventCode.HCI_LE_Meta:
                var (sub, sp) = HciEvents.LeMeta(ev.Parameters);
                if (sub == HciEventCode.HCI_LE_Advertising_Report) _ = HciEvents.LeAdvertisingReports(sp.Span);
                break;
        }
    }

    [Fact]
    public void Hci_packets_and_event_parameters_only_throw_HciFormatException()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 300), Dispatch,
            new AllocationBudget(24, 8192) /* the parameter copy, one record per response/report and its data copy */, typeof(HciFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    /// <summary>A transport that never delivers (the fuzz feeds <see cref="HciChannel.Dispatch"/> directly).</summary>
    private sealed class SilentTransport : IHciTransport
    {
        public string Adapter => "hci9";
        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        public void SetFilter(HciFilter filter) { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Hci_channel_receive_path_never_throws_and_counts_every_drop()
    {
        await using var channel = new HciChannel(new SilentTransport());
        long delivered = 0;
        using var sub = channel.Events(HciFilter.AllEvents).Subscribe(_ => delivered++);
        long dropped0 = channel.DroppedPackets;
        var stats = FuzzHarness.Run(Mutator.Mix(Structured, Seeds, 300), b => channel.Dispatch(b),
            new AllocationBudget(24, 8192) /* the event copy and, for a drop, its log message */);
        Assert.True(channel.DroppedPackets > dropped0 && delivered > 0, $"{channel.DroppedPackets - dropped0} dropped, {delivered} delivered; {stats}");
    }

    [Fact]
    public void Hci_filter_reader_only_throws_HciFormatException()
    {
        var filter = new byte[16]; // sizeof(struct hci_ufilter): 14 bytes of fields + 2 of padding
        HciFilter.AllEvents.Union(HciFilter.Events(HciEventCode.HCI_Command_Complete)).WriteTo(filter);
        var stats = FuzzHarness.Run(Mutator.Mutants([filter]), b =>
        {
            var f = HciFilter.Read(b);
            var again = new byte[16];
            f.WriteTo(again);
            Assert.Equal(b.AsSpan(0, 14).ToArray(), again.AsSpan(0, 14).ToArray()); // the fields round-trip bit for bit
        }, new AllocationBudget(4, 2048), typeof(HciFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }
}
