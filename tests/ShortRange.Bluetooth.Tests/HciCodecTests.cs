using ShortRange.Bluetooth.Hci;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests;

public class HciCodecTests
{
    // Captured in the lab (btvirt hci0, btmon -w, Linux 6.1): event packets after the HCI_EVENT_PKT indicator.
    private static readonly byte[] LabReadBdAddrComplete = Convert.FromHexString("0E0A0109100000000001AA00");
    private static readonly byte[] LabReadLocalVersionComplete = Convert.FromHexString("0E0C01011000090000" + "09F1050000");
    private static readonly byte[] LabUnknownCommandStatus = Convert.FromHexString("0F040101FF13");
    private static readonly byte[] LabInquiryResultWithRssi = Convert.FromHexString("220F0101000101AA0000000000000000C4");
    private static readonly byte[] LabDisconnectionComplete = Convert.FromHexString("050402000000");
    private static readonly byte[] LabInquiryComplete = Convert.FromHexString("010100");

    [Fact]
    public void Command_packets_encode_as_the_spec_lays_them_out()
    {
        // Vol 4 Part E §5.4.1 / §7.3.2: HCI_Reset = OGF 0x03, OCF 0x0003, no parameters.
        Assert.Equal(Convert.FromHexString("01030C00"), new HciCommandPacket(HciOpcode.HCI_Reset, ReadOnlyMemory<byte>.Empty).ToDatagram());
        // §7.1.1 HCI_Inquiry with the General Inquiry Access Code LAP 0x9E8B33, Inquiry_Length 8 (10.24 s), unlimited responses.
        var inquiry = new HciCommandPacket(HciOpcode.HCI_Inquiry, new byte[] { 0x33, 0x8B, 0x9E, 0x08, 0x00 });
        Assert.Equal(Convert.FromHexString("010104" + "05338B9E0800"), inquiry.ToDatagram());
        var back = HciCommandPacket.Decode(inquiry.ToDatagram().AsSpan(1));
        Assert.Equal(HciOpcode.HCI_Inquiry, back.Opcode);
        Assert.Equal(inquiry.Parameters.ToArray(), back.Parameters.ToArray());
    }

    [Fact]
    public void Opcode_fields_split_and_join()
    {
        Assert.Equal(HciOpcode.HCI_Read_BD_ADDR, HciOpcode.Make(HciOpcode.OGF_INFO_PARAM, 0x0009));
        Assert.Equal(HciOpcode.OGF_LE_CTL, HciOpcode.Ogf(HciOpcode.HCI_LE_Set_Scan_Enable));
        Assert.Equal(0x000C, HciOpcode.Ocf(HciOpcode.HCI_LE_Set_Scan_Enable));
        Assert.Equal("HCI_Read_BD_ADDR", HciOpcode.Name(0x1009));
        Assert.Equal("OGF 0x04 OCF 0x03FF", HciOpcode.Name(0x13FF));
        Assert.Throws<ArgumentOutOfRangeException>(() => HciOpcode.Make(0x40, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HciOpcode.Make(0x01, 0x400));
    }

    [Fact]
    public void Command_parameters_over_255_bytes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new HciCommandPacket(HciOpcode.HCI_Reset, new byte[256]).ToDatagram());
    }

    [Fact]
    public void Lab_command_complete_for_read_bd_addr_decodes()
    {
        var e = HciEventPacket.Decode(LabReadBdAddrComplete);
        Assert.Equal(HciEventCode.HCI_Command_Complete, e.Code);
        var cc = HciEvents.CommandComplete(e.Parameters.Span);
        Assert.Equal(1, cc.NumHciCommandPackets);
        Assert.Equal(HciOpcode.HCI_Read_BD_ADDR, cc.Opcode);
        Assert.Equal("00:AA:01:00:00:00", new BluetoothDeviceAddress(HciEvents.ReadBdAddrReturn(cc.ReturnParameters.Span), BluetoothAddressType.BrEdr).ToString());
    }

    [Fact]
    public void Lab_local_version_decodes()
    {
        var cc = HciEvents.CommandComplete(HciEventPacket.Decode(LabReadLocalVersionComplete).Parameters.Span);
        Assert.Equal(HciOpcode.HCI_Read_Local_Version_Information, cc.Opcode);
        var v = HciEvents.ReadLocalVersionReturn(cc.ReturnParameters.Span);
        Assert.Equal(new LocalVersionInformation(9, 0, 9, 1521, 0), v); // 5.0, The Linux Foundation (what hciconfig -a printed)
    }

    [Fact]
    public void Lab_command_status_for_unknown_opcode_decodes()
    {
        var cs = HciEvents.CommandStatus(HciEventPacket.Decode(LabUnknownCommandStatus).Parameters.Span);
        Assert.Equal(new CommandStatusEvent(HciStatus.UnknownHciCommand, 1, 0x13FF), cs);
        Assert.Equal("Unknown HCI Command", HciStatusNames.Name(cs.Status));
    }

    [Fact]
    public void Lab_inquiry_result_with_rssi_decodes()
    {
        var e = HciEventPacket.Decode(LabInquiryResultWithRssi);
        var r = Assert.Single(HciEvents.InquiryResultWithRssi(e.Parameters.Span));
        Assert.Equal("00:AA:01:01:00:01", r.Address.ToString());
        Assert.Equal((sbyte)-60, r.Rssi);
        Assert.Equal(0u, r.ClassOfDevice);
        Assert.Equal(HciStatus.Success, HciEvents.InquiryComplete(HciEventPacket.Decode(LabInquiryComplete).Parameters.Span));
    }

    [Fact]
    public void Lab_disconnection_complete_decodes()
    {
        var d = HciEvents.DisconnectionComplete(HciEventPacket.Decode(LabDisconnectionComplete).Parameters.Span);
        Assert.Equal(new DisconnectionCompleteEvent(HciStatus.UnknownConnectionIdentifier, 0, HciStatus.Success), d);
    }

    [Fact]
    public void Inquiry_result_reads_every_response_in_order()
    {
        // §7.7.2, two responses (§5.2 order): BD_ADDR, PSRM, Reserved(2), Class_Of_Device, Clock_Offset.
        byte[] p =
        [
            2,
            0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x01, 0, 0, 0x0C, 0x02, 0x5A, 0x34, 0x12,
            0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x02, 0, 0, 0x04, 0x01, 0x24, 0x00, 0x00,
        ];
        var list = HciEvents.InquiryResult(p);
        Assert.Equal(2, list.Count);
        Assert.Equal("01:02:03:04:05:06", list[0].Address.ToString());
        Assert.Equal(0x5A020Cu, list[0].ClassOfDevice);
        Assert.Equal(0x1234, list[0].ClockOffset);
        Assert.Null(list[0].Rssi);
        Assert.Equal("11:12:13:14:15:16", list[1].Address.ToString());
        Assert.Equal(2, list[1].PageScanRepetitionMode);
        Assert.Equal(0x240104u, list[1].ClassOfDevice);
    }

    [Fact]
    public void Extended_inquiry_result_carries_the_240_byte_eir()
    {
        var p = new byte[1 + 14 + 240];
        p[0] = 1;
        new byte[] { 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }.CopyTo(p, 1);
        p[14] = 0xB0; // RSSI -80
        new byte[] { 0x05, 0x09, (byte)'a', (byte)'b', (byte)'c', (byte)'d' }.CopyTo(p, 15);
        var r = HciEvents.ExtendedInquiryResult(p);
        Assert.Equal("11:22:33:44:55:66", r.Address.ToString());
        Assert.Equal((sbyte)-80, r.Rssi);
        Assert.Equal(240, r.ExtendedInquiryResponse.Length);
        Assert.Equal((byte)'a', r.ExtendedInquiryResponse.Span[2]);
        p[0] = 2;
        Assert.Throws<HciFormatException>(() => HciEvents.ExtendedInquiryResult(p));
    }

    [Fact]
    public void Connection_complete_decodes()
    {
        // §7.7.3: Status, Connection_Handle 0x0042, BD_ADDR, Link_Type ACL (0x01), Encryption_Enabled 0.
        byte[] p = [0x00, 0x42, 0x00, 0x01, 0x00, 0x00, 0x01, 0xAA, 0x00, 0x01, 0x00];
        var c = HciEvents.ConnectionComplete(p);
        Assert.Equal(HciStatus.Success, c.Status);
        Assert.Equal(0x0042, c.ConnectionHandle);
        Assert.Equal("00:AA:01:00:00:01", c.Address.ToString());
        Assert.Equal(1, c.LinkType);
        Assert.False(c.EncryptionEnabled);
    }

    [Fact]
    public void Le_advertising_report_decodes_several_reports()
    {
        // LE Meta (§7.7.65) subevent 0x02 (§7.7.65.2): two reports, ADV_IND public + SCAN_RSP random.
        byte[] ev =
        [
            0x3E, 0x19, 0x02, 0x02,
            0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0xAA, 0x00, 0x03, 0x02, 0x01, 0x06, 0xC4,
            0x04, 0x01, 0x06, 0x05, 0x04, 0x03, 0x02, 0xC1, 0x00, 0x7F,
        ];
        var e = HciEventPacket.Decode(ev);
        Assert.Equal(HciEventCode.HCI_LE_Advertising_Report, e.Subevent);
        var (sub, rest) = HciEvents.LeMeta(e.Parameters);
        Assert.Equal(HciEventCode.HCI_LE_Advertising_Report, sub);
        var reports = HciEvents.LeAdvertisingReports(rest.Span);
        Assert.Equal(2, reports.Count);
        Assert.Equal(LeAdvertisingReport.ADV_IND, reports[0].EventType);
        Assert.Equal(new BluetoothDeviceAddress(0x00AA01000001, BluetoothAddressType.LePublic), reports[0].Address);
        Assert.Equal(new byte[] { 0x02, 0x01, 0x06 }, reports[0].Data.ToArray());
        Assert.Equal((sbyte)-60, reports[0].Rssi);
        Assert.Equal(LeAdvertisingReport.SCAN_RSP, reports[1].EventType);
        Assert.Equal(BluetoothAddressType.LeRandom, reports[1].Address.Type);
        Assert.Equal(0, reports[1].Data.Length);
        Assert.Equal((sbyte)127, reports[1].Rssi);
    }

    [Theory]
    [InlineData("01" + "0000010000AA00" + "20" + "00")]       // Data_Length 32 > 31
    [InlineData("19" + "0000010000AA00" + "00" + "C4")]       // Num_Reports 25 with one report's bytes
    [InlineData("01" + "0000010000AA00" + "00" + "C4" + "00")] // trailing byte
    public void Le_advertising_report_malformed_is_a_typed_error(string hex)
    {
        Assert.Throws<HciFormatException>(() => HciEvents.LeAdvertisingReports(Convert.FromHexString(hex)));
    }

    public static TheoryData<string> ValidEvents => new()
    {
        "0E0A0109100000000001AA00", "0E0C010110000900000" + "9F1050000", "0F040101FF13", "220F0101000101AA0000000000000000C4",
        "050402000000", "010100", "030B00420001000001AA000100",
    };

    [Theory]
    [MemberData(nameof(ValidEvents))]
    public void Every_truncation_of_a_valid_event_is_a_typed_error(string hex)
    {
        var full = Convert.FromHexString(hex);
        var ok = Decode(full); // the full packet decodes
        Assert.NotNull(ok);
        for (int n = 0; n < full.Length; n++)
        {
            var cut = full[..n];
            Assert.Throws<HciFormatException>(() => Decode(cut));
            // Header patched to match the truncated parameters: the parameter decoder must catch it.
            if (n >= 2)
            {
                cut[1] = (byte)(n - 2);
                var e = HciEventPacket.Decode(cut);
                try { DecodeParameters(e); }
                catch (HciFormatException) { }
            }
        }
    }

    private static object Decode(byte[] packet) => DecodeParameters(HciEventPacket.Decode(packet));

    private static object DecodeParameters(HciEventPacket e) => e.Code switch
    {
        HciEventCode.HCI_Command_Complete => HciEvents.CommandComplete(e.Parameters.Span),
        HciEventCode.HCI_Command_Status => HciEvents.CommandStatus(e.Parameters.Span),
        HciEventCode.HCI_Inquiry_Result_with_RSSI => HciEvents.InquiryResultWithRssi(e.Parameters.Span),
        HciEventCode.HCI_Disconnection_Complete => HciEvents.DisconnectionComplete(e.Parameters.Span),
        HciEventCode.HCI_Inquiry_Complete => HciEvents.InquiryComplete(e.Parameters.Span),
        HciEventCode.HCI_Connection_Complete => HciEvents.ConnectionComplete(e.Parameters.Span),
        _ => throw new InvalidOperationException(),
    };

    [Fact]
    public void Truncated_return_parameters_are_typed_errors()
    {
        Assert.Throws<HciFormatException>(() => HciEvents.ReadBdAddrReturn(new byte[] { 0, 1, 2, 3 }));
        Assert.Throws<HciFormatException>(() => HciEvents.ReadLocalVersionReturn(new byte[] { 0, 9, 0 }));
        Assert.Throws<HciFormatException>(() => HciEvents.InquiryResult(new byte[] { 3, 1, 2, 3 }));
        Assert.Throws<HciFormatException>(() => HciEvents.InquiryResultWithRssi(new byte[] { 255 }));
        Assert.Throws<HciFormatException>(() => HciEvents.LeMeta(ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void Event_length_field_must_match_the_bytes_present()
    {
        Assert.Throws<HciFormatException>(() => HciEventPacket.Decode(new byte[] { 0x0E, 0x05, 1, 2, 3 }));
        Assert.Throws<HciFormatException>(() => HciEventPacket.Decode(new byte[] { 0x0E, 0x01, 1, 2, 3 }));
        Assert.Throws<HciFormatException>(() => HciEventPacket.Decode(new byte[] { 0x0E }));
    }

    [Fact]
    public void Acl_header_packs_handle_and_flags()
    {
        // §5.4.2: Handle 0x0001, PB 0b10 (first automatically flushable), BC 0b00, 5 data bytes (an L2CAP basic header + 1).
        var p = new HciAclPacket(0x0001, HciAclPacketBoundary.FirstFlushable, HciAclBroadcast.PointToPoint, new byte[] { 1, 0, 0x40, 0, 0xAB });
        Assert.Equal(Convert.FromHexString("02" + "0120" + "0500" + "01004000AB"), p.ToDatagram());
        var q = HciAclPacket.Decode(Convert.FromHexString("FF5E0200CDEF"));
        Assert.Equal(0x0EFF, q.Handle);
        Assert.Equal(HciAclPacketBoundary.Continuing, q.PacketBoundary);
        Assert.Equal(HciAclBroadcast.BrEdrBroadcast, q.Broadcast);
        Assert.Equal(new byte[] { 0xCD, 0xEF }, q.Data.ToArray());
        Assert.Throws<HciFormatException>(() => HciAclPacket.Decode(Convert.FromHexString("FF5E0300CDEF")));
        Assert.Throws<HciFormatException>(() => HciAclPacket.Decode(Convert.FromHexString("FF5E02")));
        Assert.Throws<ArgumentException>(() => new HciAclPacket(0x1000, 0, 0, ReadOnlyMemory<byte>.Empty).ToDatagram());
    }

    [Fact]
    public void Filter_bytes_follow_struct_hci_ufilter()
    {
        var f = HciFilter.Events(HciEventCode.HCI_Command_Complete, HciEventCode.HCI_LE_Meta) with { Opcode = 0x1009 };
        var b = new byte[HciFilter.SizeOf];
        f.WriteTo(b);
        // type_mask bit 4 (HCI_EVENT_PKT); event_mask[0] bit 14; event_mask[1] bit 62-32=30; opcode; 2 padding bytes.
        Assert.Equal(Convert.FromHexString("10000000" + "00400000" + "00000040" + "0910" + "0000"), b);
        Assert.Equal(f, HciFilter.Read(b));
    }

    [Fact]
    public void Filter_matches_like_the_kernel()
    {
        var cc = Prefixed(LabReadBdAddrComplete);
        var cs = Prefixed(LabUnknownCommandStatus);
        var inq = Prefixed(LabInquiryResultWithRssi);
        var acl = Convert.FromHexString("02" + "0120" + "0000");
        Assert.False(default(HciFilter).Matches(cc)); // a new socket's zero filter passes nothing
        Assert.True(HciFilter.AllEvents.Matches(cc));
        Assert.False(HciFilter.AllEvents.Matches(acl));
        var onlyCc = HciFilter.Events(HciEventCode.HCI_Command_Complete);
        Assert.True(onlyCc.Matches(cc));
        Assert.False(onlyCc.Matches(inq));
        var byOpcode = HciFilter.AllEvents with { Opcode = HciOpcode.HCI_Read_BD_ADDR };
        Assert.True(byOpcode.Matches(cc));
        Assert.False(byOpcode.Matches(cs));   // Command Status for 0x13FF
        Assert.True(byOpcode.Matches(inq));   // opcode only narrows Command Complete/Status
        Assert.True((HciFilter.AllEvents with { Opcode = 0x13FF }).Matches(cs));
        var withAcl = onlyCc.Union(new HciFilter(HciFilter.TypeBit(HciPacketType.HCI_ACLDATA_PKT), 0, 0));
        Assert.True(withAcl.Matches(acl));
        Assert.False(withAcl.Matches(Array.Empty<byte>()));
    }

    [Fact]
    public void Status_names_follow_the_core_spec()
    {
        Assert.Equal("Invalid HCI Command Parameters", HciStatusNames.Name(HciStatus.InvalidHciCommandParameters));
        Assert.Equal("Command Disallowed", HciStatusNames.Name(HciStatus.CommandDisallowed));
        Assert.Equal("Packet Too Long", HciStatusNames.Name((HciStatus)0x45));
        Assert.Equal("Unknown status 0x2B", HciStatusNames.Name((HciStatus)0x2B));
        Assert.Equal("Unknown status 0x99", HciStatusNames.Name((HciStatus)0x99));
    }

    private static byte[] Prefixed(byte[] eventPacket) => [HciPacketType.HCI_EVENT_PKT, .. eventPacket];
}
