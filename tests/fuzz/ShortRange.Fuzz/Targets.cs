using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Hci;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Linux.Netlink;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.Link;
using ShortRange.LowPan.SixLowPan.Iphc;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Snep;

namespace ShortRange.Fuzz;

/// <summary>One parser under AFL++: its documented exceptions are swallowed, anything else crashes the run (a finding).</summary>
internal sealed record Target(string Name, Action<byte[]> Parse, Type[] Documented, byte[][] Seeds);

internal static class Targets
{
    private static readonly MacAddress Src = MacAddress.FromExtended(0x8A99AABBCCDDEEFF), Dst = MacAddress.FromExtended(0x0211223344556677);
    private static readonly byte[] Scratch = new byte[8192];
    private static readonly LowPanLink Link = new(new LowPanLinkOptions { PanId = 0xBEEF, ExtendedAddress = Dst.Extended });

    public static readonly Target[] All =
    [
        new("mac802154", b => _ = MacFrame.Parse(b, hasFcs: false).Payload.Length, [typeof(LowPanFormatException)],
            [[0x41, 0xCC, 0x07, 0xEF, 0xBE, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x02, 0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x99, 0x8A, 0x7A, 0x33, 0x3A]]),
        new("iphc", b => _ = IphcDecoder.DecompressPacket(b, Src, Dst, null, Scratch), [typeof(LowPanFormatException)],
            [[0x7A, 0x33, 0x3A, 0x80, 0x00, 0x00, 0x00], [0x7E, 0x33, 0xF0, 0x16, 0x33, 0x16, 0x33, 0x00, 0x00, 1, 2, 3]]),
        new("lowpan-link", b => _ = Link.Receive(b), [], // documented: never throws
            [[0x41, 0xCC, 0x07, 0xEF, 0xBE, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x02, 0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x99, 0x8A, 0xC5, 0x00, 0x12, 0x34, 0x7A, 0x33, 0x3A]]),
        new("advertising", b => _ = AdvertisingDataParser.Parse(b), [typeof(AdvertisingDataException)],
            [[0x02, 0x01, 0x06, 0x03, 0x03, 0x0F, 0x18, 0x05, 0x09, (byte)'b', (byte)'t', (byte)'v', (byte)'1', 0x03, 0xFF, 0x4C, 0x00]]),
        new("mgmt", b => { var p = MgmtPacket.Decode(b); if (p.Code == MgmtEventCode.MGMT_EV_DEVICE_FOUND) _ = MgmtEvents.DeviceFound(p.Parameters.Span); else _ = MgmtEvents.CommandComplete(p.Parameters); },
            [typeof(MgmtProtocolException)],
            [[0x12, 0x00, 0x00, 0x00, 0x11, 0x00, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0x01, 0xC4, 0, 0, 0, 0, 0x03, 0x00, 0x02, 0x01, 0x06]]),
        new("hci", b =>
            {
                var ev = HciEventPacket.Decode(b);
                if (ev.Code == HciEventCode.HCI_LE_Meta && HciEvents.LeMeta(ev.Parameters) is (HciEventCode.HCI_LE_Advertising_Report, var p)) _ = HciEvents.LeAdvertisingReports(p.Span);
                else if (ev.Code == HciEventCode.HCI_Inquiry_Result_with_RSSI) _ = HciEvents.InquiryResultWithRssi(ev.Parameters.Span);
                else if (ev.Code == HciEventCode.HCI_Command_Complete) _ = HciEvents.CommandComplete(ev.Parameters.Span);
            },
            [typeof(HciFormatException)],
            [[0x3E, 0x0C, 0x02, 0x01, 0x00, 0x00, 0x01, 0x55, 0x0F, 0xDC, 0x1B, 0x00, 0x00, 0xC4]]),
        new("att", b => _ = AttCodec.Decode(b).Opcode, [typeof(AttFormatException)],
            [[0x11, 0x06, 0x01, 0x00, 0x05, 0x00, 0x00, 0x18, 0x06, 0x00, 0x09, 0x00, 0x01, 0x18], [0x23, 0x03, 0x00, 0x01, 0x00, 0x64, 0x05, 0x00, 0x02, 0x00, 0x01, 0x02]]),
        new("ndef", b => { foreach (var r in NdefMessage.Parse(b)) if (r.Type.Span.SequenceEqual("T"u8)) _ = NdefTextRecord.Decode(r.Payload.Span); },
            [typeof(NdefFormatException)],
            [NdefMessage.Encode([NdefTextRecord.Create("hello", "en"), NdefUriRecord.Create("https://www.example.com")])]),
        new("llcp", b => _ = LlcpPdu.Parse(b).Information.Length, [typeof(LlcpProtocolException)], [[0x13, 0x20, 0x00, 0x10, 0x02]]),
        new("snep", b => _ = SnepHeader.Read(b, 1024), [typeof(SnepProtocolException)], [SnepMessages.Put([0xD0, 0x00, 0x00])]),
        new("netlink", b => { foreach (var m in NetlinkMessage.ParseDatagram(b)) foreach (var a in new NetlinkAttributeReader(m.Payload.Span)) _ = a.IsNested ? 0 : a.Payload.Length; },
            [typeof(NetlinkFormatException)],
            [new NetlinkMessage(30, 0, 1, 0, new NetlinkAttributeWriter().WriteUInt32(1, 7).WriteString(2, "nfc0").ToArray()).ToBytes()]),
    ];

    /// <summary>Runs one input; an undocumented exception or an allocation beyond 64 × size + 64 KiB is thrown to AFL as a crash.</summary>
    public static void RunOne(Target t, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            t.Parse(input);
        }
        catch (Exception e) when (Array.Exists(t.Documented, d => d.IsInstanceOfType(e)))
        {
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > 64L * input.Length + 65536)
            throw new InvalidOperationException($"{t.Name}: {allocated} bytes allocated for a {input.Length}-byte input");
    }
}
