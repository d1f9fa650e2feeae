using ShortRange.Devices;

namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// Decoders of HCI event parameters (Core Vol 4 Part E §7.7). Arrayed parameters are read in the order of §5.2
/// (all parameters of element 0, then of element 1, …), which is also how Linux parses them. Every decoder checks
/// counts against the bytes present before allocating, and throws <see cref="HciFormatException"/> when short.
/// </summary>
public static class HciEvents
{
    private const int InquiryResultSize = 6 + 1 + 2 + 3 + 2;       // §7.7.2: BD_ADDR, PSRM, Reserved(2), CoD, Clock_Offset
    private const int InquiryResultRssiSize = 6 + 1 + 1 + 3 + 2 + 1; // §7.7.33: …, Reserved(1), CoD, Clock_Offset, RSSI
    private const int ExtendedInquiryResponseSize = 240;            // §7.7.38

    public static CommandCompleteEvent CommandComplete(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Command Complete");
        byte n = r.U8();
        ushort op = r.U16();
        return new CommandCompleteEvent(n, op, r.Rest().ToArray());
    }

    public static CommandStatusEvent CommandStatus(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Command Status");
        var status = (HciStatus)r.U8();
        byte n = r.U8();
        return new CommandStatusEvent(status, n, r.U16());
    }

    /// <summary>Inquiry Complete (§7.7.1): Status.</summary>
    public static HciStatus InquiryComplete(ReadOnlySpan<byte> p) => (HciStatus)new HciReader(p, "Inquiry Complete").U8();

    /// <summary>Inquiry Result (§7.7.2).</summary>
    public static IReadOnlyList<InquiryResponse> InquiryResult(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Inquiry Result");
        int n = r.U8();
        if (r.Remaining < n * InquiryResultSize)
            throw new HciFormatException($"Inquiry Result: Num_Responses {n} needs {n * InquiryResultSize} bytes, has {r.Remaining}");
        var list = new InquiryResponse[n];
        for (int i = 0; i < n; i++)
        {
            ulong a = r.Address();
            byte psrm = r.U8();
            r.Bytes(2);
            uint cod = r.U24();
            ushort clock = r.U16();
            list[i] = new InquiryResponse(new BluetoothDeviceAddress(a, BluetoothAddressType.BrEdr), psrm, cod, clock, null, ReadOnlyMemory<byte>.Empty);
        }
        return list;
    }

    /// <summary>Inquiry Result with RSSI (§7.7.33).</summary>
    public static IReadOnlyList<InquiryResponse> InquiryResultWithRssi(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Inquiry Result with RSSI");
        int n = r.U8();
        if (r.Remaining < n * InquiryResultRssiSize)
            throw new HciFormatException($"Inquiry Result with RSSI: Num_Responses {n} needs {n * InquiryResultRssiSize} bytes, has {r.Remaining}");
        var list = new InquiryResponse[n];
        for (int i = 0; i < n; i++) list[i] = ReadRssiResponse(ref r, ReadOnlySpan<byte>.Empty);
        return list;
    }

    /// <summary>Extended Inquiry Result (§7.7.38): Num_Responses is always 1; the EIR is 240 octets, zero-padded.</summary>
    public static InquiryResponse ExtendedInquiryResult(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Extended Inquiry Result");
        int n = r.U8();
        if (n != 1) throw new HciFormatException($"Extended Inquiry Result: Num_Responses {n}, the spec fixes it at 1");
        if (r.Remaining < InquiryResultRssiSize + ExtendedInquiryResponseSize)
            throw new HciFormatException($"Extended Inquiry Result: needs {InquiryResultRssiSize + ExtendedInquiryResponseSize} bytes, has {r.Remaining}");
        var head = r.Bytes(InquiryResultRssiSize);
        var eir = r.Bytes(ExtendedInquiryResponseSize);
        var hr = new HciReader(head, "Extended Inquiry Result");
        return ReadRssiResponse(ref hr, eir);
    }

    private static InquiryResponse ReadRssiResponse(ref HciReader r, ReadOnlySpan<byte> eir)
    {
        ulong a = r.Address();
        byte psrm = r.U8();
        r.U8();
        uint cod = r.U24();
        ushort clock = r.U16();
        sbyte rssi = r.S8();
        return new InquiryResponse(new BluetoothDeviceAddress(a, BluetoothAddressType.BrEdr), psrm, cod, clock, rssi, eir.ToArray());
    }

    /// <summary>Connection Complete (§7.7.3).</summary>
    public static ConnectionCompleteEvent ConnectionComplete(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Connection Complete");
        var status = (HciStatus)r.U8();
        ushort handle = (ushort)(r.U16() & 0x0FFF);
        ulong a = r.Address();
        byte link = r.U8();
        bool enc = r.U8() != 0;
        return new ConnectionCompleteEvent(status, handle, new BluetoothDeviceAddress(a, BluetoothAddressType.BrEdr), link, enc);
    }

    /// <summary>Disconnection Complete (§7.7.5).</summary>
    public static DisconnectionCompleteEvent DisconnectionComplete(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "Disconnection Complete");
        var status = (HciStatus)r.U8();
        ushort handle = (ushort)(r.U16() & 0x0FFF);
        return new DisconnectionCompleteEvent(status, handle, (HciStatus)r.U8());
    }

    /// <summary>LE Meta (§7.7.65): Subevent_Code and the subevent's own parameters.</summary>
    public static (byte Subevent, ReadOnlyMemory<byte> Parameters) LeMeta(ReadOnlyMemory<byte> p)
    {
        if (p.Length < 1) throw new HciFormatException("LE Meta: no Subevent_Code");
        return (p.Span[0], p[1..]);
    }

    /// <summary>
    /// LE Advertising Report (§7.7.65.2) from the LE Meta parameters after Subevent_Code: Num_Reports (1–25), then per
    /// report Event_Type, Address_Type, Address, Data_Length (≤ 31), Data, RSSI.
    /// </summary>
    public static IReadOnlyList<LeAdvertisingReport> LeAdvertisingReports(ReadOnlySpan<byte> p)
    {
        var r = new HciReader(p, "LE Advertising Report");
        int n = r.U8();
        // Each report is at least 10 bytes: bound the count by the bytes present before allocating.
        if (n * 10 > r.Remaining) throw new HciFormatException($"LE Advertising Report: Num_Reports {n} cannot fit in {r.Remaining} bytes");
        var list = new LeAdvertisingReport[n];
        for (int i = 0; i < n; i++)
        {
            byte type = r.U8();
            byte addrType = r.U8();
            ulong a = r.Address();
            int len = r.U8();
            if (len > 31) throw new HciFormatException($"LE Advertising Report: Data_Length {len} exceeds 31");
            var data = r.Bytes(len).ToArray();
            sbyte rssi = r.S8();
            // Address_Type (§7.7.65.2): 0 public, 1 random, 2/3 resolved identity (public/random).
            var t = (addrType & 1) == 0 ? BluetoothAddressType.LePublic : BluetoothAddressType.LeRandom;
            list[i] = new LeAdvertisingReport(type, new BluetoothDeviceAddress(a, t), data, rssi);
        }
        if (r.Remaining != 0) throw new HciFormatException($"LE Advertising Report: {r.Remaining} trailing bytes");
        return list;
    }

    /// <summary>Return parameters of HCI_Read_BD_ADDR (§7.4.6) after a Success status: BD_ADDR.</summary>
    public static ulong ReadBdAddrReturn(ReadOnlySpan<byte> ret)
    {
        var r = new HciReader(ret, "HCI_Read_BD_ADDR return");
        r.U8();
        return r.Address();
    }

    /// <summary>Return parameters of HCI_Read_Local_Version_Information (§7.4.1).</summary>
    public static LocalVersionInformation ReadLocalVersionReturn(ReadOnlySpan<byte> ret)
    {
        var r = new HciReader(ret, "HCI_Read_Local_Version_Information return");
        r.U8();
        return new LocalVersionInformation(r.U8(), r.U16(), r.U8(), r.U16(), r.U16());
    }
}
